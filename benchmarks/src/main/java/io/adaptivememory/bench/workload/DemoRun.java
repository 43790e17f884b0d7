package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.Prometheus;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import java.util.Locale;
import java.util.Map;

/** The demo's agent-attached JVM: runs both policies and prints the comparison table. */
public final class DemoRun {

    private DemoRun() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_500_000L;
        Prometheus prometheus = new Prometheus(Integer.getInteger("adaptive.memory.metrics.prometheus.port"));
        System.out.printf(Locale.ROOT, "Skewed SQL sort aggregation: %,d rows, one key holds 90%% of them.%n", rows);
        System.out.printf(Locale.ROOT, "Embedded Flink: 1 TaskManager, %d slots, %s managed memory (%s per slot).%n",
                EmbeddedCluster.SLOTS, mib(EmbeddedCluster.MANAGED_BYTES), mib(EmbeddedCluster.SLOT_BYTES));
        Map<Long, String> expected = new SkewedSqlJob(rows).expected();
        System.out.println("Warming up the JVM with a small run (not reported) ...");
        SkewedRun.run("static", Math.min(rows, 200_000L), prometheus);
        System.out.println("Running under static (Flink's behaviour) ...");
        SkewedRun.Outcome fixed = SkewedRun.run("static", rows, prometheus);
        System.out.println("Running under adaptive (the agent's default) ...");
        SkewedRun.Outcome adaptive = SkewedRun.run("adaptive", rows, prometheus);
        System.out.println();
        System.out.print(table(fixed, adaptive, expected));
        boolean same = expected.equals(fixed.result()) && expected.equals(adaptive.result());
        System.exit(same ? 0 : 1);
    }

    static String table(SkewedRun.Outcome a, SkewedRun.Outcome b, Map<Long, String> expected) {
        StringBuilder out = new StringBuilder();
        String row = "%-52s %14s %14s%n";
        out.append(String.format(Locale.ROOT, row, "", a.policy(), b.policy()));
        out.append(String.format(Locale.ROOT, row, "wall time", seconds(a.wallMillis()), seconds(b.wallMillis())));
        out.append(String.format(Locale.ROOT, row, "spilled to disk", mib(a.spilledBytes()), mib(b.spilledBytes())));
        for (int slot = 0; slot < EmbeddedCluster.SLOTS; slot++) {
            out.append(String.format(Locale.ROOT, row,
                    "slot " + slot + " peak reserved (share " + mib(EmbeddedCluster.SLOT_BYTES) + ")",
                    mib(a.slotPeakBytes().getOrDefault(slot, 0L)), mib(b.slotPeakBytes().getOrDefault(slot, 0L))));
        }
        out.append(String.format(Locale.ROOT, row, "TaskManager reserved, sampled peak (of " + mib(a.poolTotalBytes()) + ")",
                mib(a.poolPeakBytes()), mib(b.poolPeakBytes())));
        out.append(String.format(Locale.ROOT, row, "result checksum", checksum(a.result()), checksum(b.result())));
        out.append(String.format(Locale.ROOT, row, "result equals expected",
                expected.equals(a.result()) ? "yes" : "NO", expected.equals(b.result()) ? "yes" : "NO"));
        return out.toString();
    }

    static String checksum(Map<Long, String> result) {
        return String.format(Locale.ROOT, "%08x", result.hashCode());
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
