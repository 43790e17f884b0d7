package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.SlotPeaks;

import java.util.List;

/**
 * Runs a workload once on a cluster's (single) TaskManager and measures it as an operator would:
 * wall time at the client, counters from the agent's Prometheus endpoint before and after, the
 * pool and slots sampled from it every 100 ms while the jobs run ({@link SlotPeaks}), and the
 * process's resident set from {@code /proc} ({@link RssSampler}).
 *
 * <p>Utilisation is the time-weighted mean of the pool's reserved bytes (the sum of the slots'
 * reserved bytes in each sample, held until the next sample) divided by the pool's total: the
 * share of the TaskManager's managed memory that did work during the run.
 */
final class MeasuredRun {

    static final String SPILLED = "adaptive_memory_spilled_bytes_total";
    static final String RECLAIM_WAITS = "adaptive_memory_reclaim_wait_seconds_count";
    static final String RECLAIM_WAIT_SECONDS = "adaptive_memory_reclaim_wait_seconds_sum";

    private MeasuredRun() {}

    static RunRecord run(Workload workload, Policy policy, int repeat, StandaloneCluster cluster) throws Exception {
        StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
        Prometheus agent = tm.agentPrometheus();
        List<Prometheus.Sample> before = Prometheus.newestPool(agent.scrape());
        SlotPeaks peaks = new SlotPeaks(agent);
        RssSampler rss = new RssSampler(tm.pid());
        long start = System.nanoTime();
        try (peaks; rss) {
            workload.job().run(cluster);
        }
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        List<Prometheus.Sample> after = Prometheus.newestPool(agent.scrape());
        return new RunRecord(workload.name(), policy, repeat, cluster.slotBytes(), wallMillis,
                (long) delta(before, after, SPILLED), rss.peakBytes(), utilisation(peaks), peaks.hottestSlotPeak(),
                Math.round(delta(before, after, RECLAIM_WAITS)), delta(before, after, RECLAIM_WAIT_SECONDS));
    }

    private static double delta(List<Prometheus.Sample> before, List<Prometheus.Sample> after, String name) {
        return Prometheus.valueOrZero(after, name) - Prometheus.valueOrZero(before, name);
    }

    static double utilisation(SlotPeaks peaks) {
        List<SlotPeaks.Point> points = peaks.timeline();
        if (points.size() < 2 || peaks.poolTotal() <= 0) {
            return 0;
        }
        double byteMillis = 0;
        for (int i = 0; i + 1 < points.size(); i++) {
            long reserved = points.get(i).reservedBySlot().values().stream().mapToLong(Long::longValue).sum();
            byteMillis += (double) reserved * (points.get(i + 1).millis() - points.get(i).millis());
        }
        long spanMillis = points.get(points.size() - 1).millis() - points.get(0).millis();
        return spanMillis <= 0 ? 0 : byteMillis / ((double) peaks.poolTotal() * spanMillis);
    }
}
