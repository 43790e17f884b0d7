package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.Prometheus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the integration tests read from the agent's Prometheus endpoint: counter snapshots to take
 * differences of, per-slot gauges, and a bounded wait for the pool to be empty again.
 */
final class AgentMeters {

    /** Pages the slots' consumers hold (earmarks not included). */
    static final String POOL_RESERVED = "adaptive_memory_pool_reserved_bytes";
    /** Memory set aside for eager consumers' plans and not allocated yet. */
    static final String POOL_EARMARKED = "adaptive_memory_pool_earmarked_bytes";
    static final String POOL_TOTAL = "adaptive_memory_pool_total_bytes";
    static final String POOL_UNCLAIMED = "adaptive_memory_pool_unclaimed_bytes";
    static final String SLOT_RESERVED = "adaptive_memory_slot_reserved_bytes";
    static final String SLOT_EARMARKED = "adaptive_memory_slot_earmarked_bytes";
    static final String SHORTFALLS = "adaptive_memory_shortfall_events_total";
    static final String SHORTFALL_BYTES = "adaptive_memory_shortfall_bytes_total";
    static final String RECLAIM_WAITS = "adaptive_memory_reclaim_wait_seconds_count";
    static final String RECLAIM_WAIT_SECONDS = "adaptive_memory_reclaim_wait_seconds_sum";
    static final String PAGES_DENIED = "adaptive_memory_pages_denied_total";
    static final String SPILLED = "adaptive_memory_spilled_bytes_total";
    static final String FAILOPEN = "adaptive_memory_failopen_total";
    static final String LOANS = "adaptive_memory_loans_total";
    static final String EARMARKS_EXPIRED = "adaptive_memory_earmarks_expired_bytes_total";
    static final String ACCOUNTING_ERRORS = "adaptive_memory_accounting_errors_total";
    static final String FEEDBACK_RAISED = "adaptive_memory_feedback_raised_events_total";
    static final String FEEDBACK_RAISED_BYTES = "adaptive_memory_feedback_raised_bytes_total";
    static final String FEEDBACK_LOWERED = "adaptive_memory_feedback_lowered_events_total";
    static final String FEEDBACK_LOWERED_BYTES = "adaptive_memory_feedback_lowered_bytes_total";

    /**
     * Earmarks an eager consumer did not use are given back after adaptive.memory.earmark-ttl
     * (10 s by default), and every byte when the slot is freed; the pool must be empty by then.
     */
    static final Duration EMPTY_POOL_WAIT = Duration.ofSeconds(20);

    private AgentMeters() {}

    /** A scrape whose counters can be subtracted from a later one's. */
    record Snapshot(List<Prometheus.Sample> samples) {
        /**
         * The meter's value (summed over its tags). A meter that is missing fails the test, so
         * that a renamed meter cannot make an assertion of "0" pass silently.
         */
        double get(String name) {
            return Prometheus.value(samples, name, s -> true)
                    .orElseThrow(() -> new AssertionError("the agent's endpoint has no meter " + name));
        }

        /** {@code name}'s increase from {@code before} to this snapshot. */
        double since(Snapshot before, String name) {
            return get(name) - before.get(name);
        }

        /** Slot index -> value of a per-slot gauge. */
        Map<Integer, Long> bySlot(String name) {
            Map<Integer, Long> out = new TreeMap<>();
            for (Prometheus.Sample s : samples) {
                if (s.name().equals(name) && s.label("slot") != null) {
                    out.put(Integer.parseInt(s.label("slot")), (long) s.value());
                }
            }
            return out;
        }
    }

    /** A scrape of the newest pool (see {@link Prometheus#newestPool}) and the JVM-wide meters. */
    static Snapshot scrape(Prometheus prometheus) {
        return new Snapshot(Prometheus.newestPool(prometheus.scrape()));
    }

    /**
     * Waits (bounded) until the pool holds nothing: no reserved page and no earmark. Returns the
     * last snapshot, whose pool reserved and earmarked bytes the caller asserts to be 0.
     */
    static Snapshot awaitEmptyPool(Prometheus prometheus) throws InterruptedException {
        long deadline = System.nanoTime() + EMPTY_POOL_WAIT.toNanos();
        Snapshot s = scrape(prometheus);
        while ((s.get(POOL_RESERVED) != 0 || s.get(POOL_EARMARKED) != 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = scrape(prometheus);
        }
        return s;
    }

    /** Flink options every test job runs with: a failing task fails the job, and the test. */
    static Map<String, String> noRestart(Map<String, String> options) {
        Map<String, String> out = new TreeMap<>(options);
        out.put("restart-strategy.type", "none");
        return out;
    }

    static long mib(double bytes) {
        return (long) bytes >> 20;
    }

    static final long SLOT_BYTES = EmbeddedCluster.SLOT_BYTES;

    /** The borrower's reserved bytes once they exceed its share and stay put for a second. */
    static long awaitStableLoan(Prometheus prometheus) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline) {
            long now = hottestSlotReserved(scrape(prometheus));
            stable = now > SLOT_BYTES && now == last ? stable + 1 : 0;
            if (stable >= 5) {
                return now;
            }
            last = now;
            Thread.sleep(200);
        }
        throw new AssertionError("the borrower never held more than its share; last " + last);
    }

    /** The most any slot reserves in this snapshot. */
    static long hottestSlotReserved(Snapshot s) {
        return s.bySlot(SLOT_RESERVED).values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
