package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.util.Map;
import java.util.TreeMap;

/**
 * A high-cardinality SQL hash aggregation: ids 1..rows grouped by {@code id % groups} (COUNT, SUM,
 * MIN, MAX, AVG over the id and small functions of it: ten fixed-length aggregation buffer fields,
 * ~120 bytes a group in the map, and the planner picks {@code HashAggregate}), whose
 * per-group results are rolled up into {@value #BUCKETS} buckets ({@code k % 1000}) by a second
 * hash aggregation so the client reads 1000 rows, not one per group. Both aggregations run in two
 * phases, which makes three tasks, each with its own slot (batch jobs give every pipelined region
 * its own slot sharing group): source -> local aggregation (the whole slot's share); inner global
 * aggregation -> outer local aggregation (half each); outer global aggregation (the whole share).
 * Every one is a {@code BytesHashMap} over a {@code LazyMemorySegmentPool}: the local maps fill up
 * and flush, the inner global map grows and rehashes up to its plan and then falls back to sorting
 * and spilling, and the outer local map beside it needs pages beyond its first 32 only once the
 * inner one emits.
 *
 * <p>A bucket's row is (bucket, number of groups, the sums, minimums and maximums of the groups'
 * aggregates): a group lost, duplicated or split by a spill changes the number of groups or the
 * sums. The result is computed here independently of Flink.
 */
public final class HashAggJob {

    public static final int BUCKETS = 1000;

    private final long rows;
    private final int groups;

    public HashAggJob(long rows, int groups) {
        this.rows = rows;
        this.groups = groups;
    }

    /**
     * Table options: hash aggregation left enabled, two phases (the planner's cost-based choice
     * flips between one and two phases with the row count; fixed here so the plan, and each
     * operator's share of its slot, is known), one subtask per slot.
     */
    public static Map<String, String> options() {
        return Map.of(
                "table.optimizer.agg-phase-strategy", "TWO_PHASE",
                "table.exec.resource.default-parallelism", String.valueOf(EmbeddedCluster.SLOTS));
    }

    /** The query over {@code source(id BIGINT)}: columns (k BIGINT, cnt BIGINT, mx STRING) as {@link SqlGroups#collect} reads them. */
    public String query(String source) {
        return "SELECT CAST(MOD(k, " + BUCKETS + ") AS BIGINT) AS k, COUNT(*) AS cnt,"
                + " CONCAT_WS('|', CAST(SUM(c) AS STRING), CAST(SUM(s) AS STRING), CAST(MIN(mn) AS STRING),"
                + " CAST(MAX(mx) AS STRING), CAST(SUM(mx - mn) AS STRING), CAST(SUM(av) AS STRING),"
                + " CAST(SUM(s7) AS STRING), CAST(SUM(s13) AS STRING), CAST(MIN(lo) AS STRING), CAST(MAX(hi) AS STRING),"
                + " CAST(SUM(s1k) AS STRING)) AS mx"
                + " FROM (SELECT k, COUNT(*) AS c, SUM(id) AS s, MIN(id) AS mn, MAX(id) AS mx, AVG(id) AS av,"
                + " SUM(m7) AS s7, SUM(m13) AS s13, MIN(m1k) AS lo, MAX(m1k) AS hi, SUM(m1k) AS s1k"
                + " FROM (SELECT CAST(MOD(id, " + groups + ") AS BIGINT) AS k, id, CAST(MOD(id, 7) AS BIGINT) AS m7,"
                + " CAST(MOD(id, 13) AS BIGINT) AS m13, CAST(MOD(id, 1000) AS BIGINT) AS m1k FROM " + source + ")"
                + " GROUP BY k)"
                + " GROUP BY CAST(MOD(k, " + BUCKETS + ") AS BIGINT)";
    }

    /**
     * Bucket -> "groups|sum(count)|sum(sum)|min(min)|max(max)|sum(max - min)|sum(avg)|sum(sum(id % 7))|
     * sum(sum(id % 13))|min(min(id % 1000))|max(max(id % 1000))|sum(sum(id % 1000))" as Flink must
     * produce it.
     */
    public Map<Long, String> expected() {
        // per bucket: groups, sum(count), sum(sum), min(min), max(max), sum(max - min), sum(avg),
        // sum(s7), sum(s13), min(lo), max(hi), sum(s1k)
        long[][] b = new long[BUCKETS][12];
        for (int k = 0; k < groups; k++) {
            long count = 0, sum = 0, min = Long.MAX_VALUE, max = Long.MIN_VALUE;
            long s7 = 0, s13 = 0, lo = Long.MAX_VALUE, hi = Long.MIN_VALUE, s1k = 0;
            for (long id = k == 0 ? groups : k; id <= rows; id += groups) {
                count++;
                sum += id;
                min = Math.min(min, id);
                max = Math.max(max, id);
                s7 += id % 7;
                s13 += id % 13;
                lo = Math.min(lo, id % 1000);
                hi = Math.max(hi, id % 1000);
                s1k += id % 1000;
            }
            if (count == 0) {
                continue;
            }
            long[] t = b[k % BUCKETS];
            boolean first = t[0] == 0;
            t[0]++;
            t[1] += count;
            t[2] += sum;
            t[3] = first ? min : Math.min(t[3], min);
            t[4] = first ? max : Math.max(t[4], max);
            t[5] += max - min;
            t[6] += sum / count;
            t[7] += s7;
            t[8] += s13;
            t[9] = first ? lo : Math.min(t[9], lo);
            t[10] = first ? hi : Math.max(t[10], hi);
            t[11] += s1k;
        }
        Map<Long, String> out = new TreeMap<>();
        for (int i = 0; i < BUCKETS; i++) {
            if (b[i][0] > 0) {
                StringBuilder row = new StringBuilder().append(b[i][0]);
                for (int f = 1; f < b[i].length; f++) {
                    row.append('|').append(b[i][f]);
                }
                out.put((long) i, row.toString());
            }
        }
        return out;
    }

    /** The optimized plan, to check that both aggregations are hash aggregations. */
    public String explain(TableEnvironment env) {
        SqlGroups.createSequence(env, "hashagg_src", rows);
        return env.explainSql(query("hashagg_src"));
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        return SqlGroups.collect(submit(env));
    }

    /** Submits the job; its result is read with {@link SqlGroups#collect}. */
    public TableResult submit(TableEnvironment env) {
        SqlGroups.createSequence(env, "hashagg_src", rows);
        return env.executeSql(query("hashagg_src"));
    }
}
