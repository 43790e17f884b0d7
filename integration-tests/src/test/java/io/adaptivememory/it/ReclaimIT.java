package io.adaptivememory.it;

import io.adaptivememory.bench.workload.BalancedSqlSortJob;
import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.workload.HeldSortJob;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.RocksDbCountJob;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.PAGES_DENIED;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.POOL_UNCLAIMED;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAITS;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAIT_SECONDS;
import static io.adaptivememory.it.AgentMeters.SHORTFALLS;
import static io.adaptivememory.it.AgentMeters.SHORTFALL_BYTES;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static io.adaptivememory.it.AgentMeters.SLOT_RESERVED;
import static io.adaptivememory.it.AgentMeters.SPILLED;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory is lent, then the lenders need their share. One adaptive TaskManager with 5 slots of
 * 64 MiB (320 MiB): a borrower job on one slot sorts about 185 MiB in memory (a global SQL ORDER
 * BY, so it borrows 120 MiB of the other slots' shares) and holds it, because nobody reads its
 * result yet (the sorter keeps its pages until its last row is read, see {@link HeldSortJob}).
 * While the loan is out, a lender job starts on the 4 other slots, whose consumers need their full
 * static share (4 x 64 MiB) while only one slot's lendable part (48 of its 64 MiB; 16 MiB is its
 * floor, never lent) is unclaimed: (a) lazy SQL sorters, (b) eager DataStream BATCH sorters,
 * (c) RocksDB. Every job must succeed
 * with its exact, Java-computed result; the lenders run with at least their floor (16 MiB) and
 * every shortfall is measured; the pool never holds more than the TaskManager's managed memory;
 * and after the borrower's result is read the pool is empty again.
 *
 * <p>The borrower is not {@code SkewedSqlJob}: its sort aggregation emits a few hundred rows, so
 * nothing can hold its memory, and the moment its loan ends is a race with the lender's start.
 * It cannot hold much more than 185 MiB either: Flink's SQL sorter spills everything (and frees
 * its pages) once its records pass 80% of its planned memory, which is at most the 256 MiB the
 * four unallocated slots' floors leave, so the unclaimed memory cannot be pushed below 48 MiB.
 */
class ReclaimIT {

    /** One slot for the borrower, four for the lender job (its default parallelism). */
    static final int SLOTS = EmbeddedCluster.SLOTS + 1;

    /** About 550 bytes a row in the sorter: ~185 MiB held, below Flink's spilling threshold (~205 MiB). */
    static final HeldSortJob BORROWER = new HeldSortJob(350_000, 16);
    static final long FLOOR = SLOT_BYTES / 4;
    static final long LENDABLE = SLOT_BYTES - FLOOR;
    static final int LENDER_SLOTS = EmbeddedCluster.SLOTS;
    /** adaptive.memory.reclaim-timeout's default, which the test JVM does not change. */
    static final double RECLAIM_TIMEOUT_SECONDS = 2.0;
    static final BalancedSqlSortJob LAZY_LENDER = new BalancedSqlSortJob(720_000, 1000, 8);
    static final SkewedDataStreamSortJob EAGER_LENDER = new SkewedDataStreamSortJob(300_000);
    static final RocksDbCountJob ROCKSDB_LENDER = new RocksDbCountJob(200_000, 500);

    static long[] borrowerExpected;
    static EmbeddedCluster cluster;
    static Prometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        borrowerExpected = BORROWER.expected();
        prometheus = Prometheus.ofAgent();
        cluster = EmbeddedCluster.start("adaptive", SLOTS, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Outcome(
            long loanBytes,
            long loanAfterLender,
            long unclaimedWhenLenderStarted,
            SlotPeaks peaks,
            AgentMeters.Snapshot before,
            AgentMeters.Snapshot drained,
            long lenderMillis) {
        double delta(String name) {
            return drained.since(before, name);
        }
    }

    /**
     * Starts the borrower, waits until it has sorted its whole input (its slot holds more than its
     * share and stops growing), runs {@code lender} to completion while the borrower still holds
     * the loan, then reads the borrower's result and waits for the pool to empty.
     */
    static Outcome whileLoanIsOut(String name, Callable<Void> lender) throws Exception {
        AgentMeters.Snapshot before = AgentMeters.scrape(prometheus);
        SlotPeaks peaks = new SlotPeaks(prometheus);
        long loan;
        long loanAfter;
        long unclaimed;
        long lenderMillis;
        try (peaks; HeldSortJob.Held borrower = BORROWER.start(cluster.batchTableEnvironment(
                AgentMeters.noRestart(HeldSortJob.options())))) {
            loan = AgentMeters.awaitStableLoan(prometheus);
            unclaimed = (long) AgentMeters.scrape(prometheus).get(POOL_UNCLAIMED);
            long start = System.nanoTime();
            lender.call();
            lenderMillis = (System.nanoTime() - start) / 1_000_000;
            loanAfter = AgentMeters.hottestSlotReserved(AgentMeters.scrape(prometheus));
            assertArrayEquals(borrowerExpected, borrower.drain(), name + ": borrower result");
        }
        AgentMeters.Snapshot drained = AgentMeters.awaitEmptyPool(prometheus);
        Outcome o = new Outcome(loan, loanAfter, unclaimed, peaks, before, drained, lenderMillis);
        System.out.printf("ReclaimIT %s: borrower held %d MiB (%d MiB after the lender), %d MiB unclaimed when the"
                        + " lender started; lender %d ms; shortfalls %.0f (%d MiB), reclaim waits %.0f (%.1f s),"
                        + " pages denied %.0f, spilled %d MiB; slot peaks %s; pool peak %d MiB of %d%n",
                name, mib(loan), mib(loanAfter), mib(unclaimed), lenderMillis, o.delta(SHORTFALLS),
                mib(o.delta(SHORTFALL_BYTES)), o.delta(RECLAIM_WAITS), o.delta(RECLAIM_WAIT_SECONDS),
                o.delta(PAGES_DENIED), mib(o.delta(SPILLED)), peaks.peakReservedBySlot(),
                mib(peaks.peakPoolReserved()), mib(peaks.poolTotal()));
        return o;
    }

    /** What every case asserts besides its own meters. */
    static void assertCommon(Outcome o) {
        assertTrue(o.loanBytes() > 2 * SLOT_BYTES, "the borrower held more than twice its share: " + mib(o.loanBytes()));
        assertTrue(o.unclaimedWhenLenderStarted() >= LENDABLE && o.unclaimedWhenLenderStarted() < 2 * LENDABLE,
                "precondition: one lender's share above its floor was unclaimed, not two: "
                        + mib(o.unclaimedWhenLenderStarted()) + " MiB");
        assertEquals(o.loanBytes(), o.loanAfterLender(),
                "the loan was still out when the lender finished, so it was out during the lender's whole run");
        assertTrue(o.peaks().peakPoolReserved() <= o.peaks().poolTotal(),
                "pool reserved " + o.peaks().peakPoolReserved() + " never exceeded the total " + o.peaks().poolTotal());
        assertEquals(SLOTS * SLOT_BYTES, o.peaks().poolTotal(), "pool total is Flink's managed memory");
        assertEquals(0.0, o.drained().get(POOL_RESERVED), "every page is back in the pool after both jobs");
        assertEquals(0.0, o.drained().get(POOL_EARMARKED), "and no earmark is left");
        assertEquals(0.0, o.delta(FAILOPEN), "the agent never fell back to Flink's own behaviour");
    }

    /** The lender slots' peaks: every slot but the borrower's. */
    static Map<Integer, Long> lenderPeaks(Outcome o) {
        Map<Integer, Long> peaks = o.peaks().peakReservedBySlot();
        peaks.values().removeIf(v -> v > SLOT_BYTES);
        return peaks;
    }

    @Test
    @Timeout(120)
    void lazySqlLender_loanOut_exactResultsLendersRunOnTheirFloorDeniedGrowthAndSpill() throws Exception {
        Map<Long, String> expected = LAZY_LENDER.expected();
        AtomicReference<Map<Long, String>> result = new AtomicReference<>();
        Outcome o = whileLoanIsOut("(a) lazy SQL sort", () -> {
            result.set(LAZY_LENDER.run(cluster.batchTableEnvironment(AgentMeters.noRestart(BalancedSqlSortJob.options()))));
            return null;
        });
        assertEquals(expected, result.get(), "lender result");
        assertCommon(o);
        Map<Integer, Long> lenders = lenderPeaks(o);
        assertEquals(LENDER_SLOTS, lenders.size(), "four lender slots: " + lenders);
        lenders.forEach((slot, peak) -> assertTrue(peak >= FLOOR,
                "lender slot " + slot + " ran with at least its floor: " + lenders));
        // Each lender sorter wants ~53 MiB; with the loan out they share what is unclaimed above
        // their 16 MiB floors, are told "no page" and spill instead of failing. What they asked
        // for within their own share and did not get is counted as a shortfall.
        assertTrue(o.delta(SHORTFALLS) >= 1, "lazy lenders short of their share are counted");
        assertTrue(o.delta(PAGES_DENIED) > 0, "lazy lenders were refused growth");
        assertTrue(o.delta(SPILLED) > 0, "and spilled");
        // A sort operator's plan is earmarked before its sorter is built and gives it back, so a
        // lender may wait for lent memory once, at open: at most one wait per lender slot.
        assertTrue(o.delta(RECLAIM_WAITS) <= LENDER_SLOTS,
                "at most one wait per lender slot, counted " + o.delta(RECLAIM_WAITS));
    }

    @Test
    @Timeout(120)
    void eagerDataStreamLender_loanOut_exactResultsLenderWaitsForLentMemoryShortfallsBounded() throws Exception {
        Map<Long, String> expected = EAGER_LENDER.expected();
        AtomicReference<Map<Long, String>> result = new AtomicReference<>();
        Outcome o = whileLoanIsOut("(b) eager DataStream BATCH sort", () -> {
            result.set(EAGER_LENDER.run(AgentMeters.noRestart(cluster.clientConfig())));
            return null;
        });
        assertEquals(expected, result.get(), "lender result");
        assertCommon(o);
        Map<Integer, Long> lenders = lenderPeaks(o);
        assertTrue(lenders.values().stream().anyMatch(p -> p >= FLOOR), "a lender sorter ran: " + lenders);
        // The first sorter to plan gets its 64 MiB; the next ones find less than their 48 MiB above
        // the floor unclaimed and wait up to the reclaim timeout. Whether a wait ends with Flink's
        // full size or with a smaller plan (a shortfall) is a race this job cannot fix: a BATCH
        // stage reads materialized input, so a sibling sorter on a cold key may finish and return
        // its 64 MiB within the timeout (the borrower's loan never comes back). So the wait is
        // asserted here, and the shortfall itself in the RocksDB case, where it is certain.
        assertTrue(o.delta(RECLAIM_WAITS) >= 1, "an eager lender waited for its lent memory");
        assertShortfallsWithinBounds(o);
    }

    @Test
    @Timeout(120)
    void rocksDbLender_loanOut_exactResultsSizedDownAfterReclaimTimeoutShortfallMeasured() throws Exception {
        Map<Long, String> expected = ROCKSDB_LENDER.expected();
        AtomicReference<Map<Long, String>> result = new AtomicReference<>();
        Outcome o = whileLoanIsOut("(c) RocksDB streaming", () -> {
            result.set(ROCKSDB_LENDER.run(AgentMeters.noRestart(cluster.clientConfig())));
            return null;
        });
        assertEquals(expected, result.get(), "lender result");
        assertCommon(o);
        Map<Integer, Long> lenders = lenderPeaks(o);
        assertEquals(LENDER_SLOTS, lenders.size(), "one RocksDB per lender slot: " + lenders);
        lenders.forEach((slot, peak) -> assertTrue(peak >= FLOOR && peak <= SLOT_BYTES,
                "lender slot " + slot + " ran RocksDB with at least its floor: " + lenders));
        // All four backends are created at once and hold their memory until the job ends, and
        // none can end while another waits (the one source feeds all four). The first gets its
        // full 64 MiB from the unclaimed memory; the other three wait the reclaim timeout for the
        // loan, which is not returned, and are sized down: together they miss what it keeps out.
        assertEquals(1, lenders.values().stream().filter(p -> p == SLOT_BYTES).count(),
                "exactly one RocksDB lender got its full share: " + lenders);
        assertTrue(o.delta(RECLAIM_WAITS) >= LENDER_SLOTS - 1, "the other RocksDB lenders waited for their lent memory");
        assertTrue(o.delta(RECLAIM_WAIT_SECONDS) >= (LENDER_SLOTS - 1) * RECLAIM_TIMEOUT_SECONDS * 0.95,
                "each waited the whole reclaim timeout: the loan did not come back, " + o.delta(RECLAIM_WAIT_SECONDS) + " s");
        long missing = LENDER_SLOTS * LENDABLE - o.unclaimedWhenLenderStarted();
        assertTrue(o.delta(SHORTFALLS) >= 1, "the shortfall was counted");
        assertTrue(o.delta(SHORTFALL_BYTES) >= missing,
                "shortfall " + mib(o.delta(SHORTFALL_BYTES)) + " MiB covers what the loan kept out: " + mib(missing) + " MiB");
        assertShortfallsWithinBounds(o);
    }

    /**
     * adaptive.memory.shortfalls counts "requests within a slot's static share not met at once
     * because memory it lent was still out", adaptive.memory.shortfall their bytes. Here the
     * requests are the lender job's eager plans, one per lender slot, each at most its lendable
     * 48 MiB short: the meters cannot exceed 4 requests and 4 x 48 MiB.
     */
    static void assertShortfallsWithinBounds(Outcome o) {
        assertTrue(o.delta(SHORTFALLS) <= LENDER_SLOTS,
                "at most one shortfall per eager plan (" + LENDER_SLOTS + " lender slots), counted " + o.delta(SHORTFALLS));
        assertTrue(o.delta(SHORTFALL_BYTES) <= LENDER_SLOTS * LENDABLE,
                "no lender can miss more than the lendable part of its share: shortfall "
                        + mib(o.delta(SHORTFALL_BYTES)) + " MiB > " + mib(LENDER_SLOTS * LENDABLE) + " MiB");
    }
}
