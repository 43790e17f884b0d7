package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.table.api.TableEnvironment;

import java.util.Map;

/**
 * The skewed SQL batch workload: a sort aggregation where one key holds 90% of the rows, so one
 * subtask (one slot) sorts almost everything and spills with Flink's static 64 MiB share while the
 * other slots' shares sit idle. Payloads derive from the id, so the exact result is known and is
 * computed here independently of Flink.
 */
public final class SkewedSqlJob {

    public static final Map<String, String> OPTIONS = Map.of(
            "table.exec.disabled-operators", "HashAgg",
            "table.exec.resource.default-parallelism", String.valueOf(EmbeddedCluster.SLOTS));

    private final long rows;

    public SkewedSqlJob(long rows) {
        this.rows = rows;
    }

    /** Key of row {@code id}: 0 for 90% of the rows, else one of 500 cold keys. */
    public static long keyOf(long id) {
        return id % 10 < 9 ? 0 : id % 5000 + 1;
    }

    /** Group key -> "count|max(md5)" as Flink must produce it. */
    public Map<Long, String> expected() {
        return SqlGroups.expected(rows, SkewedSqlJob::keyOf);
    }

    /** Runs the job on the environment's cluster and returns its result in the same form. */
    public Map<Long, String> run(TableEnvironment env) throws Exception {
        SqlGroups.createSequence(env, "src", rows);
        return SqlGroups.collect(env.executeSql(
                "SELECT k, COUNT(*) AS cnt, MAX(p) AS mx FROM ("
                        + " SELECT CASE WHEN MOD(id, 10) < 9 THEN CAST(0 AS BIGINT) ELSE MOD(id, 5000) + 1 END AS k,"
                        + " MD5(CAST(id AS STRING)) AS p FROM src) GROUP BY k"));
    }
}
