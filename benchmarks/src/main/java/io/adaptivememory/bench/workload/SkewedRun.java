package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.SessionCluster;

import java.util.List;
import java.util.Map;

/**
 * One run of the {@link SkewedSqlJob} on a session cluster whose TaskManager runs the agent with
 * one policy, observed the way an operator would: wall time from the client, spill and memory from
 * the agent's Prometheus endpoint on that TaskManager, sampled while the job runs.
 */
public final class SkewedRun {

    /** What one run produced and what the agent's meters showed. */
    public record Outcome(
            String policy,
            Map<Long, String> result,
            long wallMillis,
            long spilledBytes,
            Map<Integer, Long> slotPeakBytes,
            long poolPeakBytes,
            long poolTotalBytes,
            double poolReservedAfter,
            List<SlotPeaks.Point> timeline) {

        public long hottestSlotPeak() {
            return slotPeakBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    private SkewedRun() {}

    public static Outcome run(String policy, SessionCluster cluster, Prometheus agent, long rows) throws Exception {
        double spilledBefore = Prometheus.valueOrZero(agent.scrape(), "adaptive_memory_spilled_bytes_total");
        SlotPeaks peaks = new SlotPeaks(agent);
        Map<Long, String> result;
        long start = System.nanoTime();
        try (peaks) {
            result = new SkewedSqlJob(rows).run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
        }
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        List<Prometheus.Sample> after = Prometheus.newestPool(agent.scrape());
        double spilled = Prometheus.valueOrZero(after, "adaptive_memory_spilled_bytes_total") - spilledBefore;
        double reservedAfter = Prometheus.valueOrZero(after, "adaptive_memory_pool_reserved_bytes");
        return new Outcome(policy, result, wallMillis, (long) spilled, peaks.peakReservedBySlot(),
                peaks.peakPoolReserved(), peaks.poolTotal(), reservedAfter, peaks.timeline());
    }
}
