package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.StandaloneCluster;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The product demo on a real Flink cluster: for {@code static} (Flink's own behaviour) and then
 * {@code adaptive} (the agent's default), starts a standalone session cluster from the Maven class
 * path (a JobManager JVM and a TaskManager JVM of 4 slots x 64 MiB with
 * {@code -javaagent:adaptive-memory-agent.jar} on its command line), runs the skewed SQL job on it
 * while sampling the agent's Prometheus endpoint, prints both side by side and writes a chart of
 * each slot's reserved memory over time.
 *
 * <p>Arguments: the number of rows (default 1,500,000), then any agent properties as
 * {@code key=value} (e.g. {@code adaptive.memory.floor-fraction=0.5}) for both runs. System
 * properties: {@code agent.jar}, the agent jar; {@code demo.chart}, where the PNG goes.
 */
public final class Demo {

    private static final long WARM_UP_ROWS = 200_000;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String agent = System.getProperty("agent.jar", "agent/target/adaptive-memory-agent.jar");
        if (!new File(agent).isFile()) {
            System.err.println("The agent jar " + agent + " does not exist; build it first: mvn -B install -DskipTests");
            System.exit(2);
        }
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_500_000L;
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            properties.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        Path chart = Path.of(System.getProperty("demo.chart", "target/demo/slot-memory.png")).toAbsolutePath();

        System.out.printf(Locale.ROOT, "Skewed SQL sort aggregation: %,d rows, one key holds 90%% of them.%n", rows);
        System.out.printf(Locale.ROOT, "Standalone Flink: a JobManager JVM and a TaskManager JVM with %d slots, "
                        + "%s managed memory (%s per slot), -javaagent:%s%s%n",
                StandaloneCluster.SLOTS_PER_TASK_MANAGER, mib(managedBytes()), mib(StandaloneCluster.SLOT_BYTES),
                agent, properties.isEmpty() ? "" : " " + properties);
        Map<Long, String> expected = new SkewedSqlJob(rows).expected();
        List<SkewedRun.Outcome> runs = new ArrayList<>();
        for (String policy : List.of("static", "adaptive")) {
            Map<String, String> props = new LinkedHashMap<>(properties);
            props.put("adaptive.memory.policy", policy);
            System.out.println("Starting the cluster with -Dadaptive.memory.policy=" + policy + " on the TaskManager ...");
            try (StandaloneCluster cluster = StandaloneCluster.builder().agent(agent, props).start()) {
                StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
                System.out.println("  warming up with a small run (not reported) ...");
                new SkewedSqlJob(Math.min(rows, WARM_UP_ROWS)).run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
                System.out.println("  running the skewed job ...");
                runs.add(SkewedRun.run(policy, cluster, tm.agentPrometheus(), rows));
            }
        }
        System.out.println();
        System.out.print(table(runs.get(0), runs.get(1), expected));
        SlotMemoryChart.writePng(chart, String.format(Locale.ROOT,
                        "Reserved managed memory per slot, skewed sort aggregation of %,d rows", rows),
                StandaloneCluster.SLOT_BYTES, runs);
        System.out.println();
        System.out.println("Chart of each slot's reserved memory over time: " + chart);
        boolean same = runs.stream().allMatch(r -> expected.equals(r.result()));
        System.exit(same ? 0 : 1);
    }

    private static long managedBytes() {
        return StandaloneCluster.SLOTS_PER_TASK_MANAGER * StandaloneCluster.SLOT_BYTES;
    }

    static String table(SkewedRun.Outcome a, SkewedRun.Outcome b, Map<Long, String> expected) {
        StringBuilder out = new StringBuilder();
        String row = "%-52s %14s %14s%n";
        out.append(String.format(Locale.ROOT, row, "", a.policy(), b.policy()));
        out.append(String.format(Locale.ROOT, row, "wall time", seconds(a.wallMillis()), seconds(b.wallMillis())));
        out.append(String.format(Locale.ROOT, row, "spilled to disk", mib(a.spilledBytes()), mib(b.spilledBytes())));
        for (int slot = 0; slot < StandaloneCluster.SLOTS_PER_TASK_MANAGER; slot++) {
            out.append(String.format(Locale.ROOT, row,
                    "slot " + slot + " peak reserved (share " + mib(StandaloneCluster.SLOT_BYTES) + ")",
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
