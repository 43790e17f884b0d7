package io.adaptivememory.bench.workload;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.util.Map;
import java.util.TreeMap;

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
        Map<Long, Long> counts = new TreeMap<>();
        Map<Long, String> max = new TreeMap<>();
        for (long id = 1; id <= rows; id++) {
            long k = id % groups;
            counts.merge(k, 1L, Long::sum);
            max.merge(k, SkewedSqlJob.md5(Long.toString(id)), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        Map<Long, String> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, c + "|" + max.get(k)));
        return out;
    }

    public Map<Long, String> run(TableEnvironment env) throws Exception {
        env.executeSql("CREATE TEMPORARY TABLE balanced_src (id BIGINT) WITH ("
                + "'connector'='datagen',"
                + "'fields.id.kind'='sequence',"
                + "'fields.id.start'='1',"
                + "'fields.id.end'='" + rows + "',"
                + "'number-of-rows'='" + rows + "',"
                + "'rows-per-second'='1000000000')");
        TableResult result = env.executeSql(
                "SELECT k, COUNT(*) AS cnt, SUBSTRING(MAX(p), 1, 32) AS mx FROM ("
                        + " SELECT MOD(id, " + groups + ") AS k,"
                        + " REPEAT(MD5(CAST(id AS STRING)), " + payloadRepeats + ") AS p FROM balanced_src)"
                        + " GROUP BY k");
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                out.put(((Number) r.getField(0)).longValue(), r.getField(1) + "|" + r.getField(2));
            }
        }
        return out;
    }
}
