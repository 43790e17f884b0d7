package io.adaptivememory.bench.workload;

import org.apache.flink.table.api.TableEnvironment;

import java.util.Map;

/**
 * A shuffled SQL hash join whose build side is skewed: build rows (a 256-character payload derived
 * from the id) for ids 1..buildRows, of which 90% ({@code id % 10 < 9}) carry the hot key 0 and the
 * rest their own id as key; probe rows for ids 1..buildRows with key {@code id % buildRows}, so
 * every key 0..buildRows-1 occurs once on the probe side and every build row matches exactly one
 * probe row (the hot ones all match probe row {@code buildRows}). Both sides are hash-partitioned on
 * the key, so one join subtask builds its hash table from 90% of the build side and spills under
 * Flink's static share while the other subtasks' tables are small. The plan is
 * {@link HashJoinJob}'s ({@link HashJoinJob#options()}, a {@code SHUFFLE_HASH} hint on the build
 * side, joined rows rolled up into {@value HashJoinJob#BUCKETS} buckets by a hash aggregation).
 *
 * <p>One key cannot be split by re-partitioning, so the spilled hot partition reaches the hash
 * table's recursion limit and Flink processes it with its sort-merge fallback; the result stays
 * exact. A bucket's row is (bucket, joined rows, "sum(probe id)|sum(build id)|checksum"), the
 * checksum adding the ASCII code of the build payload's character at a position chosen by the build
 * id: a build row lost, duplicated or paired with the wrong probe row changes it. The result is
 * computed here independently of Flink.
 *
 * @param buildRows a multiple of 10, so that the last probe key (0) is hot and every cold build key
 *     ({@code id % 10 == 9}) is below it
 */
public record SkewedHashJoinJob(long buildRows) {

    private static final int PAYLOAD_CHARS = 32 * HashJoinJob.PAYLOAD_REPEATS;

    public SkewedHashJoinJob {
        if (buildRows <= 0 || buildRows % 10 != 0) {
            throw new IllegalArgumentException("buildRows must be a positive multiple of 10: " + buildRows);
        }
    }

    /** Table options: {@link HashJoinJob#options()}. */
    public static Map<String, String> options() {
        return HashJoinJob.options();
    }

    static boolean hot(long buildId) {
        return buildId % 10 < 9;
    }

    /** The query over the views {@code skewed_probe_v} and {@code skewed_build_v}. */
    public String query() {
        int buckets = HashJoinJob.BUCKETS;
        return "SELECT CAST(MOD(pjk, " + buckets + ") AS BIGINT) AS k, COUNT(*) AS cnt,"
                + " CONCAT_WS('|', CAST(SUM(pid) AS STRING), CAST(SUM(bid) AS STRING),"
                + " CAST(SUM(CAST(ASCII(SUBSTRING(pl FROM CAST(MOD(bid, " + PAYLOAD_CHARS + ") + 1 AS INT) FOR 1))"
                + " AS BIGINT)) AS STRING)) AS mx"
                + " FROM (SELECT /*+ SHUFFLE_HASH(skewed_build_v) */ pjk, pid, bid, pl"
                + " FROM skewed_probe_v JOIN skewed_build_v ON skewed_probe_v.pjk = skewed_build_v.bjk)"
                + " GROUP BY CAST(MOD(pjk, " + buckets + ") AS BIGINT)";
    }

    /** Bucket -> "rows|sum(probe id)|sum(build id)|checksum" as Flink must produce it. */
    public Map<Long, String> expected() {
        long[][] b = new long[HashJoinJob.BUCKETS][4];
        for (long bid = 1; bid <= buildRows; bid++) {
            long key = hot(bid) ? 0 : bid;
            long pid = hot(bid) ? buildRows : bid;
            long[] t = b[(int) (key % HashJoinJob.BUCKETS)];
            t[0]++;
            t[1] += pid;
            t[2] += bid;
            t[3] += Md5.hexAt(Md5.of(bid), (int) (bid % PAYLOAD_CHARS) % 32);
        }
        return HashJoinJob.rendered(b);
    }

    private void createSources(TableEnvironment env) {
        SqlGroups.createSequence(env, "skewed_build", buildRows);
        SqlGroups.createSequence(env, "skewed_probe", buildRows);
        env.executeSql("CREATE TEMPORARY VIEW skewed_probe_v AS SELECT CAST(MOD(id, " + buildRows + ") AS BIGINT) AS pjk,"
                + " id AS pid FROM skewed_probe");
        env.executeSql("CREATE TEMPORARY VIEW skewed_build_v AS SELECT"
                + " CASE WHEN MOD(id, 10) < 9 THEN CAST(0 AS BIGINT) ELSE id END AS bjk, id AS bid,"
                + " REPEAT(MD5(CAST(id AS STRING)), " + HashJoinJob.PAYLOAD_REPEATS + ") AS pl FROM skewed_build");
    }

    /** The optimized plan, to check that the join is a shuffled hash join with the intended build side. */
    public String explain(TableEnvironment env) {
        createSources(env);
        return env.explainSql(query());
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        createSources(env);
        return SqlGroups.collect(env.executeSql(query()));
    }
}
