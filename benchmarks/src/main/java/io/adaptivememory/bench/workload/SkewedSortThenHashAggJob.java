package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A skewed SQL sort and a hash aggregation in the same task, so in the same slot: ids 1..rows are
 * numbered within their key ({@code ROW_NUMBER() OVER (PARTITION BY k ORDER BY md5(id))}, keys as
 * in {@link SkewedSqlJob}: 90% of the rows share key 0), and the rows are then aggregated by that
 * number with a two-phase hash aggregation whose local phase is chained behind the sort:
 * {@code Sort -> OverAggregate -> Calc -> LocalHashAggregate} is one task. The subtask that sorts
 * key 0 sorts 90% of the rows (it spills with Flink's share, it borrows under a lending policy)
 * and, once sorted, streams them into the local hash aggregation next to it, whose
 * {@code BytesHashMap} then grows, rehashes and flushes (one group per row number: 90% of rows
 * distinct) while the sorter still holds every page it sorted in. The per-row-number results are
 * rolled up into {@value #BUCKETS} buckets by a second hash aggregation.
 *
 * <p>A bucket's row is (bucket, number of row numbers, "sum(count)|sum(sum)|min(min)|max(max)").
 * The result is computed here independently of Flink.
 */
public final class SkewedSortThenHashAggJob {

    public static final int BUCKETS = 1000;

    private final long rows;

    public SkewedSortThenHashAggJob(long rows) {
        this.rows = rows;
    }

    /**
     * Table options: two-phase aggregation, so the local hash aggregation is chained to the sort
     * (one phase would put an exchange between them); one subtask per slot.
     */
    public static Map<String, String> options() {
        return Map.of(
                "table.optimizer.agg-phase-strategy", "TWO_PHASE",
                "table.exec.resource.default-parallelism", String.valueOf(EmbeddedCluster.SLOTS));
    }

    public String query(String source) {
        return "SELECT CAST(MOD(rn, " + BUCKETS + ") AS BIGINT) AS k, COUNT(*) AS cnt,"
                + " CONCAT_WS('|', CAST(SUM(c) AS STRING), CAST(SUM(s) AS STRING), CAST(MIN(mn) AS STRING),"
                + " CAST(MAX(mx) AS STRING)) AS mx"
                + " FROM (SELECT rn, COUNT(*) AS c, SUM(id) AS s, MIN(id) AS mn, MAX(id) AS mx FROM ("
                + " SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY p) AS rn FROM ("
                + " SELECT id, CASE WHEN MOD(id, 10) < 9 THEN CAST(0 AS BIGINT) ELSE MOD(id, 5000) + 1 END AS k,"
                + " MD5(CAST(id AS STRING)) AS p FROM " + source + "))"
                + " GROUP BY rn)"
                + " GROUP BY CAST(MOD(rn, " + BUCKETS + ") AS BIGINT)";
    }

    /** Bucket -> "row numbers|sum(count)|sum(sum)|min(min)|max(max)" as Flink must produce it. */
    public Map<Long, String> expected() {
        // ids by key, each key's ids in the order of their MD5 (hex order = unsigned order of the
        // digest's two halves), which is what ROW_NUMBER() OVER (... ORDER BY p) numbers them by
        long[] hi = new long[(int) rows + 1];
        long[] lo = new long[(int) rows + 1];
        Map<Long, List<Integer>> byKey = new TreeMap<>();
        for (int id = 1; id <= rows; id++) {
            byte[] d = Md5.of(id);
            hi[id] = Md5.half(d, 0);
            lo[id] = Md5.half(d, 8);
            byKey.computeIfAbsent(SkewedSqlJob.keyOf(id), k -> new ArrayList<>()).add(id);
        }
        int maxRank = byKey.values().stream().mapToInt(List::size).max().orElse(0);
        long[] count = new long[maxRank + 1];
        long[] sum = new long[maxRank + 1];
        long[] min = new long[maxRank + 1];
        long[] max = new long[maxRank + 1];
        for (List<Integer> ids : byKey.values()) {
            ids.sort((a, b) -> {
                int c = Long.compareUnsigned(hi[a], hi[b]);
                return c != 0 ? c : Long.compareUnsigned(lo[a], lo[b]);
            });
            for (int i = 0; i < ids.size(); i++) {
                int rn = i + 1;
                long id = ids.get(i);
                min[rn] = count[rn] == 0 ? id : Math.min(min[rn], id);
                max[rn] = count[rn] == 0 ? id : Math.max(max[rn], id);
                count[rn]++;
                sum[rn] += id;
            }
        }
        long[][] b = new long[BUCKETS][5];
        for (int rn = 1; rn <= maxRank; rn++) {
            long[] t = b[rn % BUCKETS];
            t[3] = t[0] == 0 ? min[rn] : Math.min(t[3], min[rn]);
            t[4] = t[0] == 0 ? max[rn] : Math.max(t[4], max[rn]);
            t[0]++;
            t[1] += count[rn];
            t[2] += sum[rn];
        }
        Map<Long, String> out = new TreeMap<>();
        for (int i = 0; i < BUCKETS; i++) {
            long[] t = b[i];
            if (t[0] > 0) {
                out.put((long) i, t[0] + "|" + t[1] + "|" + t[2] + "|" + t[3] + "|" + t[4]);
            }
        }
        return out;
    }

    public String explain(TableEnvironment env) {
        SqlGroups.createSequence(env, "ranked_src", rows);
        return env.explainSql(query("ranked_src"));
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        return SqlGroups.collect(submit(env));
    }

    /** Submits the job; its result is read with {@link SqlGroups#collect}. */
    public TableResult submit(TableEnvironment env) {
        SqlGroups.createSequence(env, "ranked_src", rows);
        return env.executeSql(query("ranked_src"));
    }
}
