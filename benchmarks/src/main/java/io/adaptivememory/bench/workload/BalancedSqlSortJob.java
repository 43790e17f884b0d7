package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.table.api.TableEnvironment;

import java.util.Map;

/**
 * A balanced SQL batch workload in which every slot sorts: a one-phase sort aggregation over
 * {@code id % groups} with a long payload derived from the id, so each of the parallel sorters (lazy
 * consumers: {@code BinaryExternalSorter} over a {@code LazyMemorySegmentPool}) needs about the same
 * memory, rows / parallelism * (32 * repeats + 40) bytes, and spills what it cannot get. The exact
 * result is computed here independently of Flink.
 */
public final class BalancedSqlSortJob {

    private final long rows;
    private final long groups;
    private final int payloadRepeats;

    public BalancedSqlSortJob(long rows, long groups, int payloadRepeats) {
        this.rows = rows;
        this.groups = groups;
        this.payloadRepeats = payloadRepeats;
    }

    /** Table options: sort aggregation only (no hash aggregation), one phase, one subtask per slot. */
    public static Map<String, String> options() {
        return Map.of(
                "table.exec.disabled-operators", "HashAgg",
                "table.optimizer.agg-phase-strategy", "ONE_PHASE",
                "table.exec.resource.default-parallelism", String.valueOf(EmbeddedCluster.SLOTS));
    }

    /** Group -> "count|max(md5)"; repeating the MD5 keeps the order, so MAX(payload) starts with the max MD5. */
    public Map<Long, String> expected() {
        return SqlGroups.expected(rows, id -> id % groups);
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        SqlGroups.createSequence(env, "balanced_src", rows);
        return SqlGroups.collect(env.executeSql(
                "SELECT k, COUNT(*) AS cnt, SUBSTRING(MAX(p), 1, 32) AS mx FROM ("
                        + " SELECT MOD(id, " + groups + ") AS k,"
                        + " REPEAT(MD5(CAST(id AS STRING)), " + payloadRepeats + ") AS p FROM balanced_src)"
                        + " GROUP BY k"));
    }
}
