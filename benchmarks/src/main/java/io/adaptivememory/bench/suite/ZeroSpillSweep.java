package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.StandaloneCluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * For each skewed workload under {@code static}, {@code fair} and {@code adaptive} (those of the
 * settings' policies), the smallest managed memory per slot of the grid at which it spills
 * nothing. Sizes are tried from the largest down, one run each on a fresh cluster, and the sweep
 * of a (workload, policy) stops at the first size that spills: spill does not grow with memory,
 * and the small sizes, which spill most, are the slowest to run.
 */
final class ZeroSpillSweep {

    private static final List<Policy> POLICIES = List.of(Policy.STATIC, Policy.FAIR, Policy.ADAPTIVE);

    private ZeroSpillSweep() {}

    /** Adds every sweep run to {@code runs} (as repeat 0) and returns one result per (workload, policy). */
    static List<ZeroSpill> run(SuiteSettings settings, List<Workload> workloads, List<RunRecord> runs,
            PrintStream progress) throws Exception {
        List<ZeroSpill> out = new ArrayList<>();
        List<Long> largestFirst = new ArrayList<>(settings.gridSlotBytes());
        Collections.reverse(largestFirst);
        for (Workload w : workloads) {
            if (!w.skewed()) {
                continue;
            }
            for (Policy p : POLICIES) {
                if (!settings.policies().contains(p)) {
                    continue;
                }
                long smallest = -1;
                for (long slotBytes : largestFirst) {
                    RunRecord r;
                    try (StandaloneCluster cluster = WorkloadSuite.cluster(settings, p, slotBytes)) {
                        r = MeasuredRun.run(w, p, 0, cluster);
                    }
                    runs.add(r);
                    progress.printf(Locale.ROOT, "zero-spill sweep: %s under %s, %s per slot: %s%n", w.name(),
                            p.label(), SuiteReport.mib(slotBytes), WorkloadSuite.describe(r));
                    if (r.spilledBytes() > 0) {
                        break;
                    }
                    smallest = slotBytes;
                }
                out.add(new ZeroSpill(w.name(), p, smallest));
            }
        }
        return out;
    }
}
