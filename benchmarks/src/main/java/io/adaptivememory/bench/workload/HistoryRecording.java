package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.SessionCluster;
import io.adaptivememory.bench.cluster.StandaloneCluster;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Records a real history for the learning tools: a matrix of the benchmark workloads (a skewed
 * sort aggregation, a balanced sort aggregation, a hash join, a hash aggregation, a skewed
 * DataStream BATCH sort and a RocksDB streaming job) at two parallelisms, each run several times
 * with its data volume growing from run to run, on a session cluster whose TaskManager writes its
 * history ({@code adaptive.memory.history.dir}). Every job's result is checked against the
 * expected one, so a recording is also a correctness run.
 *
 * <p>{@code java ... HistoryRecording <history dir> [runs] [scale] [key=value agent properties...]}
 * starts a standalone cluster (a JobManager JVM and a TaskManager JVM with the agent) and records
 * into the directory; the integration tests call {@link #record} on their own cluster.
 */
public final class HistoryRecording {

    /** One workload of the matrix: its name and how to run it with a row count at a parallelism. */
    record Workload(String name, long baseRows, Job job) {}

    @FunctionalInterface
    interface Job {
        /** Runs with {@code rows} at {@code parallelism}; true when the result is the expected one. */
        boolean run(SessionCluster cluster, long rows, int parallelism) throws Exception;
    }

    static final List<Workload> WORKLOADS = List.of(
            new Workload("skewed-sort-agg", 600_000, (c, rows, p) -> table(c, SkewedSqlJob.OPTIONS, p,
                    env -> new SkewedSqlJob(rows).run(env), new SkewedSqlJob(rows).expected())),
            new Workload("balanced-sort-agg", 400_000, (c, rows, p) -> table(c, BalancedSqlSortJob.options(), p,
                    env -> new BalancedSqlSortJob(rows, 10_000, 4).run(env),
                    new BalancedSqlSortJob(rows, 10_000, 4).expected())),
            new Workload("hash-join", 150_000, (c, rows, p) -> table(c, HashJoinJob.options(), p,
                    env -> new HashJoinJob(rows, rows * 2, false).run(env),
                    new HashJoinJob(rows, rows * 2, false).expected())),
            new Workload("hash-agg", 400_000, (c, rows, p) -> table(c, HashAggJob.options(), p,
                    env -> new HashAggJob(rows, (int) (rows / 4)).run(env),
                    new HashAggJob(rows, (int) (rows / 4)).expected())),
            new Workload("skewed-datastream-sort", 300_000, (c, rows, p) -> {
                Map<String, String> conf = c.clientConfig();
                conf.put("parallelism.default", String.valueOf(p));
                return new SkewedDataStreamSortJob(rows).run(conf).equals(new SkewedDataStreamSortJob(rows).expected());
            }),
            new Workload("rocksdb-count", 100_000, (c, rows, p) -> {
                Map<String, String> conf = c.clientConfig();
                conf.put("parallelism.default", String.valueOf(p));
                return new RocksDbCountJob(rows, 1000).run(conf).equals(new RocksDbCountJob(rows, 1000).expected());
            }));

    /** A table environment job at {@code parallelism}: true when its result is {@code expected}. */
    private static boolean table(SessionCluster cluster, Map<String, String> options, int parallelism,
            TableJob job, Map<Long, String> expected) throws Exception {
        Map<String, String> conf = new HashMap<>(options);
        conf.put("table.exec.resource.default-parallelism", String.valueOf(parallelism));
        conf.put("parallelism.default", String.valueOf(parallelism));
        return job.run(cluster.batchTableEnvironment(conf)).equals(expected);
    }

    @FunctionalInterface
    private interface TableJob {
        Map<Long, String> run(org.apache.flink.table.api.TableEnvironment env) throws Exception;
    }

    private HistoryRecording() {}

    /**
     * Runs every workload {@code runs} times at each of {@code parallelisms}, run r with
     * {@code scale * baseRows * (1 + r / 4)} rows. Returns the names of the jobs whose result was
     * wrong (empty when all were right).
     */
    public static List<String> record(SessionCluster cluster, int runs, double scale, int[] parallelisms,
            PrintStream progress) throws Exception {
        List<String> wrong = new ArrayList<>();
        int done = 0;
        int total = WORKLOADS.size() * runs * parallelisms.length;
        for (int run = 0; run < runs; run++) {
            for (int parallelism : parallelisms) {
                for (Workload w : WORKLOADS) {
                    long rows = (long) (scale * w.baseRows() * (1 + run / 4.0));
                    long start = System.nanoTime();
                    boolean right = w.job().run(cluster, rows, parallelism);
                    done++;
                    progress.printf(Locale.ROOT, "[%d/%d] %s, %,d rows, parallelism %d: %s in %.1f s%n", done, total,
                            w.name(), rows, parallelism, right ? "exact result" : "WRONG RESULT",
                            (System.nanoTime() - start) / 1e9);
                    if (!right) {
                        wrong.add(w.name() + "@" + rows + "x" + parallelism);
                    }
                }
            }
        }
        return wrong;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HistoryRecording <history dir> [runs] [scale] [key=value agent properties...]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        String agent = System.getProperty("agent.jar", "agent/target/adaptive-memory-agent.jar");
        if (!new File(agent).isFile()) {
            System.err.println("The agent jar " + agent + " does not exist; build it first: mvn -B install -DskipTests");
            System.exit(2);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("adaptive.memory.history.dir", dir.toString());
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            properties.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        List<String> wrong;
        try (StandaloneCluster cluster = StandaloneCluster.builder().agent(agent, properties).start()) {
            wrong = record(cluster, runs, scale, new int[] {2, StandaloneCluster.SLOTS_PER_TASK_MANAGER}, System.out);
        }
        System.out.println(wrong.isEmpty() ? "history recorded in " + dir : "wrong results: " + wrong);
        System.exit(wrong.isEmpty() ? 0 : 1);
    }
}
