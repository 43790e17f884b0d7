package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.SessionCluster;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.BalancedSqlSortJob;
import io.adaptivememory.bench.workload.HashAggJob;
import io.adaptivememory.bench.workload.RocksDbCountJob;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedHashJoinJob;
import io.adaptivememory.bench.workload.SkewedSqlJob;

import org.apache.flink.table.api.TableEnvironment;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's workloads, built from the benchmark jobs of {@code bench.workload}. Row counts at
 * scale 1 make each run take a few seconds on 2 cores and make the skewed ones spill under the
 * static 64 MiB share. Each workload's expected result is computed once, when it is built.
 *
 * <p>Oracle slot sizes: for the skewed workloads, the smallest size of the zero-spill grid
 * ({@link SuiteSettings#DEFAULT_GRID}) at which the workload spilled nothing under {@code static}:
 * 128 MiB for each of them in the sweep of 2026-12-02 (64 MiB spilled 40-46 MiB; the hottest slot
 * then peaked at 96-128 MiB). For the workloads that do not spill under static (balanced, rocksdb),
 * the default share, since no consumer needs more. They are constants, so that the oracle is the
 * same cluster in every suite run; a change of row counts needs a new sweep.
 */
public final class Workloads {

    public static final List<String> NAMES = List.of(
            "skewed-sort-agg", "skewed-hash-join", "skewed-datastream-sort", "phase-shift", "balanced", "rocksdb");

    private static final long MIB = 1 << 20;
    /** Jobs fail instead of restarting: a restarted job would hide a task failure and inflate the wall time. */
    private static final Map<String, String> NO_RESTART = Map.of("restart-strategy.type", "none");

    private Workloads() {}

    /** The workloads of {@code names}, in that order, with every row count multiplied by {@code scale}. */
    public static List<Workload> named(List<String> names, double scale) {
        return names.stream().map(n -> named(n, scale)).toList();
    }

    static Workload named(String name, double scale) {
        return switch (name) {
            case "skewed-sort-agg" -> skewedSortAgg(rows(1_500_000, scale));
            case "skewed-hash-join" -> skewedHashJoin(rows(200_000, scale) / 10 * 10);
            case "skewed-datastream-sort" -> skewedDataStreamSort(rows(800_000, scale));
            case "phase-shift" -> phaseShift(rows(500_000, scale), rows(1_500_000, scale));
            case "balanced" -> balanced(rows(800_000, scale));
            case "rocksdb" -> rocksDb(rows(200_000, scale));
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + NAMES);
        };
    }

    private static Workload skewedSortAgg(long rows) {
        SkewedSqlJob job = new SkewedSqlJob(rows);
        Map<Long, String> expected = job.expected();
        return new Workload("skewed-sort-agg",
                String.format(Locale.ROOT, "SkewedSqlJob: SQL sort aggregation of %,d rows, one key holds 90%%", rows),
                true, 128 * MIB,
                cluster -> check("skewed-sort-agg", expected, job.run(table(cluster, SkewedSqlJob.OPTIONS))));
    }

    private static Workload skewedHashJoin(long buildRows) {
        SkewedHashJoinJob job = new SkewedHashJoinJob(buildRows);
        Map<Long, String> expected = job.expected();
        return new Workload("skewed-hash-join",
                String.format(Locale.ROOT, "SkewedHashJoinJob: shuffled SQL hash join, %,d build rows (90%% under one key)"
                        + " x %,d probe rows", buildRows, buildRows),
                true, 128 * MIB,
                cluster -> check("skewed-hash-join", expected, job.run(table(cluster, SkewedHashJoinJob.options()))));
    }

    private static Workload skewedDataStreamSort(long rows) {
        SkewedDataStreamSortJob job = new SkewedDataStreamSortJob(rows);
        Map<Long, String> expected = job.expected();
        return new Workload("skewed-datastream-sort",
                String.format(Locale.ROOT, "SkewedDataStreamSortJob: DataStream BATCH keyed reduce of %,d rows,"
                        + " one key holds 90%%", rows),
                true, 128 * MIB,
                cluster -> check("skewed-datastream-sort", expected, job.run(client(cluster))));
    }

    /** A hash aggregation with every slot busy, then the skewed sort: the pool must follow the change of shape. */
    private static Workload phaseShift(long aggRows, long sortRows) {
        HashAggJob agg = new HashAggJob(aggRows, (int) (aggRows / 5));
        SkewedSqlJob sort = new SkewedSqlJob(sortRows);
        Map<Long, String> aggExpected = agg.expected();
        Map<Long, String> sortExpected = sort.expected();
        return new Workload("phase-shift",
                String.format(Locale.ROOT, "HashAggJob (%,d rows, %,d groups), then SkewedSqlJob (%,d rows) on the"
                        + " same cluster, measured as the pair", aggRows, aggRows / 5, sortRows),
                true, 128 * MIB,
                cluster -> {
                    check("phase-shift, hash aggregation", aggExpected, agg.run(table(cluster, HashAggJob.options())));
                    check("phase-shift, skewed sort", sortExpected, sort.run(table(cluster, SkewedSqlJob.OPTIONS)));
                });
    }

    private static Workload balanced(long rows) {
        BalancedSqlSortJob job = new BalancedSqlSortJob(rows, 10_000, 4);
        Map<Long, String> expected = job.expected();
        return new Workload("balanced",
                String.format(Locale.ROOT, "BalancedSqlSortJob: SQL sort aggregation of %,d rows into 10,000 groups,"
                        + " every slot sorts the same", rows),
                false, StandaloneCluster.SLOT_BYTES,
                cluster -> check("balanced", expected, job.run(table(cluster, BalancedSqlSortJob.options()))));
    }

    private static Workload rocksDb(long rows) {
        RocksDbCountJob job = new RocksDbCountJob(rows, 500);
        Map<Long, String> expected = job.expected();
        return new Workload("rocksdb",
                String.format(Locale.ROOT, "RocksDbCountJob: bounded streaming count over %,d rows, 500 keys,"
                        + " RocksDB state in managed memory", rows),
                false, StandaloneCluster.SLOT_BYTES,
                cluster -> check("rocksdb", expected, job.run(client(cluster))));
    }

    private static long rows(long rowsAtScaleOne, double scale) {
        return Math.max(10, Math.round(rowsAtScaleOne * scale));
    }

    private static TableEnvironment table(SessionCluster cluster, Map<String, String> options) {
        Map<String, String> conf = new HashMap<>(options);
        conf.putAll(NO_RESTART);
        return cluster.batchTableEnvironment(conf);
    }

    private static Map<String, String> client(SessionCluster cluster) {
        Map<String, String> conf = cluster.clientConfig();
        conf.putAll(NO_RESTART);
        return conf;
    }

    private static void check(String what, Map<Long, String> expected, Map<Long, String> actual) {
        if (!expected.equals(actual)) {
            long missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).count();
            long differing = expected.entrySet().stream()
                    .filter(e -> actual.containsKey(e.getKey()) && !e.getValue().equals(actual.get(e.getKey()))).count();
            throw new Workload.WrongResultException(String.format(Locale.ROOT,
                    "%s: WRONG RESULT: %d rows expected, %d returned, %d missing, %d differing", what,
                    expected.size(), actual.size(), missing, differing));
        }
    }
}
