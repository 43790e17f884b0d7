package io.adaptivememory.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The measured repeats of one workload under one policy, reduced to their medians (the mean of
 * the two middle values for an even count), with the range of the wall time.
 */
public record Summary(
        String workload,
        Policy policy,
        long slotBytes,
        int runs,
        double wallMillis,
        double wallMinMillis,
        double wallMaxMillis,
        double spilledBytes,
        double peakRssBytes,
        double utilisation,
        double hotSlotPeakBytes,
        double reclaimWaits,
        double reclaimWaitSeconds) {

    /** One summary per (workload, policy) of the measured repeats (repeat >= 1), in the order they ran. */
    public static List<Summary> of(List<RunRecord> records) {
        Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : records) {
            if (r.repeat() >= 1) {
                groups.computeIfAbsent(r.workload() + "/" + r.policy(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Summary> out = new ArrayList<>();
        for (List<RunRecord> runs : groups.values()) {
            RunRecord first = runs.get(0);
            out.add(new Summary(first.workload(), first.policy(), first.slotBytes(), runs.size(),
                    median(runs, RunRecord::wallMillis),
                    runs.stream().mapToLong(RunRecord::wallMillis).min().orElseThrow(),
                    runs.stream().mapToLong(RunRecord::wallMillis).max().orElseThrow(),
                    median(runs, RunRecord::spilledBytes), median(runs, RunRecord::peakRssBytes),
                    median(runs, RunRecord::utilisation), median(runs, RunRecord::hotSlotPeakBytes),
                    median(runs, RunRecord::reclaimWaits), median(runs, RunRecord::reclaimWaitSeconds)));
        }
        return out;
    }

    static double median(List<RunRecord> runs, ToDoubleFunction<RunRecord> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
