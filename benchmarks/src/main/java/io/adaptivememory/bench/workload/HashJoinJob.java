package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.util.Map;
import java.util.TreeMap;

/**
 * A shuffled SQL hash join whose build side spills: build rows (k = id, a 256-character payload
 * derived from the id) for ids 1..buildRows, probe rows for ids 1..probeRows with
 * k = probe id % buildRows + 1, so every probe row matches exactly one build row. Both sides are
 * hash-partitioned on k; the build side (forced with a {@code SHUFFLE_HASH} hint, sort-merge,
 * nested-loop and broadcast joins disabled) goes into a {@code LongHybridHashTable} (BIGINT key)
 * or, with {@code stringKey}, a {@code BinaryHashTable} (the key cast to STRING). The joined rows
 * are rolled up into {@value #BUCKETS} buckets ({@code k % 1000}) by a hash aggregation so the
 * client reads 1000 rows.
 *
 * <p>A bucket's row is (bucket, joined rows, "sum(probe id)|sum(build id)|checksum"), where the
 * checksum adds the ASCII code of the build payload's character at a position chosen by the probe
 * id: a row lost or duplicated by a spilled partition, or paired with the wrong payload, changes
 * it. The result is computed here independently of Flink.
 */
public final class HashJoinJob {

    public static final int BUCKETS = 1000;
    /** Payload: the build id's MD5 repeated this often (32 characters each). */
    static final int PAYLOAD_REPEATS = 8;

    private final long buildRows;
    private final long probeRows;
    private final boolean stringKey;

    public HashJoinJob(long buildRows, long probeRows, boolean stringKey) {
        this.buildRows = buildRows;
        this.probeRows = probeRows;
        this.stringKey = stringKey;
    }

    /**
     * Table options: a shuffled hash join only, no join reordering, one subtask per slot; two-phase
     * aggregation, so the local aggregation is chained behind the join and shares its task and
     * slot (the join plans with two thirds of the slot's share, the aggregation with a third).
     */
    public static Map<String, String> options() {
        return Map.of(
                "table.exec.disabled-operators", "NestedLoopJoin,SortMergeJoin,BroadcastHashJoin",
                "table.optimizer.join-reorder-enabled", "false",
                "table.optimizer.join.broadcast-threshold", "-1",
                "table.optimizer.agg-phase-strategy", "TWO_PHASE",
                "table.exec.resource.default-parallelism", String.valueOf(EmbeddedCluster.SLOTS));
    }

    /** The query over the views {@code join_probe_v} and {@code join_build_v}. */
    public String query() {
        return "SELECT CAST(MOD(pk, " + BUCKETS + ") AS BIGINT) AS k, COUNT(*) AS cnt,"
                + " CONCAT_WS('|', CAST(SUM(pid) AS STRING), CAST(SUM(bid) AS STRING),"
                + " CAST(SUM(CAST(ASCII(SUBSTRING(pl FROM CAST(MOD(pid, " + (32 * PAYLOAD_REPEATS) + ") + 1 AS INT) FOR 1))"
                + " AS BIGINT)) AS STRING)) AS mx"
                + " FROM (SELECT /*+ SHUFFLE_HASH(join_build_v) */ pk, pid, bid, pl"
                + " FROM join_probe_v JOIN join_build_v ON join_probe_v.pjk = join_build_v.bjk)"
                + " GROUP BY CAST(MOD(pk, " + BUCKETS + ") AS BIGINT)";
    }

    private String key(String expression) {
        return stringKey ? "CAST(" + expression + " AS STRING)" : expression;
    }

    /** Bucket -> "rows|sum(probe id)|sum(build id)|checksum" as Flink must produce it. */
    public Map<Long, String> expected() {
        long[][] b = new long[BUCKETS][4];
        for (long pid = 1; pid <= probeRows; pid++) {
            long k = pid % buildRows + 1;
            long[] t = b[(int) (k % BUCKETS)];
            t[0]++;
            t[1] += pid;
            t[2] += k;
            t[3] += Md5.hexAt(Md5.of(k), (int) (pid % (32 * PAYLOAD_REPEATS)) % 32);
        }
        return rendered(b);
    }

    /** Each non-empty bucket's four sums as the query renders them: "rows|sum|sum|checksum". */
    static Map<Long, String> rendered(long[][] buckets) {
        Map<Long, String> out = new TreeMap<>();
        for (int i = 0; i < buckets.length; i++) {
            long[] t = buckets[i];
            if (t[0] > 0) {
                out.put((long) i, t[0] + "|" + t[1] + "|" + t[2] + "|" + t[3]);
            }
        }
        return out;
    }

    private void createSources(TableEnvironment env) {
        SqlGroups.createSequence(env, "join_build", buildRows);
        SqlGroups.createSequence(env, "join_probe", probeRows);
        String pk = "CAST(MOD(id, " + buildRows + ") + 1 AS BIGINT)";
        env.executeSql("CREATE TEMPORARY VIEW join_probe_v AS SELECT " + key(pk) + " AS pjk, " + pk + " AS pk,"
                + " id AS pid FROM join_probe");
        env.executeSql("CREATE TEMPORARY VIEW join_build_v AS SELECT " + key("id") + " AS bjk, id AS bid,"
                + " REPEAT(MD5(CAST(id AS STRING)), " + PAYLOAD_REPEATS + ") AS pl FROM join_build");
    }

    /** The optimized plan, to check that the join is a shuffled hash join with the intended build side. */
    public String explain(TableEnvironment env) {
        createSources(env);
        return env.explainSql(query());
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        return SqlGroups.collect(submit(env));
    }

    /** Submits the job; its result is read with {@link SqlGroups#collect}. */
    public TableResult submit(TableEnvironment env) {
        createSources(env);
        return env.executeSql(query());
    }
}
