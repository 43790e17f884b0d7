package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.Prometheus;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import java.util.List;
import java.util.Map;

/**
 * One run of the {@link SkewedSqlJob} on a fresh {@link EmbeddedCluster} under one agent policy,
 * observed the way an operator would: wall time from the client, spill and memory from the
 * agent's Prometheus endpoint.
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
            double poolReservedAfter) {

        public long hottestSlotPeak() {
            return slotPeakBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    private SkewedRun() {}

    public static Outcome run(String policy, long rows, Prometheus prometheus) throws Exception {
        double spilledBefore = Prometheus.valueOrZero(prometheus.scrape(), "adaptive_memory_spilled_bytes_total");
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            SlotPeaks peaks = new SlotPeaks(prometheus);
            Map<Long, String> result;
            long start = System.nanoTime();
            try (peaks) {
                result = new SkewedSqlJob(rows).run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
            }
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            List<Prometheus.Sample> after = prometheus.scrape();
            double spilled = Prometheus.valueOrZero(after, "adaptive_memory_spilled_bytes_total") - spilledBefore;
            double reservedAfter = Prometheus.valueOrZero(after, "adaptive_memory_pool_reserved_bytes");
            return new Outcome(policy, result, wallMillis, (long) spilled, peaks.peakReservedBySlot(),
                    peaks.peakPoolReserved(), peaks.poolTotal(), reservedAfter);
        }
    }
}
