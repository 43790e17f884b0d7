package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAITS;
import static io.adaptivememory.it.AgentMeters.SHORTFALLS;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static io.adaptivememory.it.AgentMeters.SPILLED;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eager consumers under the agent: a skewed DataStream keyed reduce in BATCH mode, whose sorted
 * inputs ({@code ExternalSorter}, sized by {@code computeNumberOfPages} and allocated whole at task
 * init) are the consumer kind the pool earmarks instead of lending to. The job must produce exactly
 * the Java-computed result under "static" and "adaptive", fail no task, and leave the pool empty.
 */
class DataStreamBatchSortIT {

    static final long ROWS = 800_000;
    static Map<Long, String> expected;

    @BeforeAll
    static void computeExpected() {
        expected = new SkewedDataStreamSortJob(ROWS).expected();
    }

    record Outcome(
            Map<Long, String> result,
            SlotPeaks peaks,
            AgentMeters.Snapshot before,
            AgentMeters.Snapshot afterJob,
            AgentMeters.Snapshot drained,
            long millis) {
        double delta(String name) {
            return drained.since(before, name);
        }
    }

    static Outcome run(String policy) throws Exception {
        Prometheus prometheus = Prometheus.ofAgent();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            AgentMeters.Snapshot before = AgentMeters.scrape(prometheus);
            SlotPeaks peaks = new SlotPeaks(prometheus);
            long start = System.nanoTime();
            Map<Long, String> result;
            try (peaks) {
                result = new SkewedDataStreamSortJob(ROWS).run(AgentMeters.noRestart(cluster.clientConfig()));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            AgentMeters.Snapshot afterJob = AgentMeters.scrape(prometheus);
            AgentMeters.Snapshot drained = AgentMeters.awaitEmptyPool(prometheus);
            Outcome o = new Outcome(result, peaks, before, afterJob, drained, millis);
            System.out.printf("DataStreamBatchSortIT %s: %d ms, spilled %d MiB, slot peaks %s, pool peak %d MiB of %d,"
                            + " shortfalls %.0f, reclaim waits %.0f, pool reserved/earmarked right after the job %d/%d MiB%n",
                    policy, millis, mib(o.delta(SPILLED)), peaks.peakReservedBySlot(), mib(peaks.peakPoolReserved()),
                    mib(peaks.poolTotal()), o.delta(SHORTFALLS), o.delta(RECLAIM_WAITS),
                    mib(afterJob.get(POOL_RESERVED)), mib(afterJob.get(POOL_EARMARKED)));
            return o;
        }
    }

    @Test
    @Timeout(180)
    void batchKeyedReduce_staticAndAdaptive_exactResultEagerSortersGetFlinksSizeAndPoolEmptiesAfter()
            throws Exception {
        Outcome fixed = run("static");
        Outcome adaptive = run("adaptive");

        assertEquals(expected, fixed.result(), "static result");
        assertEquals(expected, adaptive.result(), "adaptive result");

        for (Outcome o : new Outcome[] {fixed, adaptive}) {
            // The agent saw the sorters' pages, and no slot held more than its share: eager
            // consumers never borrow.
            assertTrue(o.peaks().hottestSlotPeak() > 0, "the sorters' pages were seen: " + o.peaks().peakReservedBySlot());
            assertTrue(o.peaks().hottestSlotPeak() <= SLOT_BYTES,
                    "an eager sorter stays within its slot's share: " + o.peaks().peakReservedBySlot());
            assertTrue(o.peaks().peakPoolReserved() <= o.peaks().poolTotal(), "pool never exceeds the TaskManager total");
            assertEquals(0.0, o.drained().get(POOL_RESERVED),
                    "every page is back in the pool within " + AgentMeters.EMPTY_POOL_WAIT);
            assertEquals(0.0, o.drained().get(POOL_EARMARKED),
                    "no earmark is left within " + AgentMeters.EMPTY_POOL_WAIT);
            assertEquals(0.0, o.delta(FAILOPEN), "the agent never fell back to Flink's own behaviour");
        }
        // Nothing was lent, so every eager sorter got Flink's full size at once: no wait, no shortfall,
        // and the same page count as without lending.
        assertEquals(0.0, adaptive.delta(SHORTFALLS), "no shortfall when nothing is lent");
        assertEquals(0.0, adaptive.delta(RECLAIM_WAITS), "no reclaim wait when nothing is lent");
        assertEquals(fixed.peaks().hottestSlotPeak(), adaptive.peaks().hottestSlotPeak(),
                "adaptive sizes eager sorters exactly as Flink does");
    }
}
