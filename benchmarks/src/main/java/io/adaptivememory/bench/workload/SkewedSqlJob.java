package io.adaptivememory.bench.workload;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

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
        Map<Long, Long> counts = new TreeMap<>();
        Map<Long, String> max = new TreeMap<>();
        for (long id = 1; id <= rows; id++) {
            long k = keyOf(id);
            counts.merge(k, 1L, Long::sum);
            String p = md5(Long.toString(id));
            max.merge(k, p, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        Map<Long, String> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, c + "|" + max.get(k)));
        return out;
    }

    /** Runs the job on the environment's cluster and returns its result in the same form. */
    public Map<Long, String> run(TableEnvironment env) throws Exception {
        env.executeSql("CREATE TEMPORARY TABLE src (id BIGINT) WITH ("
                + "'connector'='datagen',"
                + "'fields.id.kind'='sequence',"
                + "'fields.id.start'='1',"
                + "'fields.id.end'='" + rows + "',"
                + "'number-of-rows'='" + rows + "',"
                + "'rows-per-second'='1000000000')");
        TableResult result = env.executeSql(
                "SELECT k, COUNT(*) AS cnt, MAX(p) AS mx FROM ("
                        + " SELECT CASE WHEN MOD(id, 10) < 9 THEN CAST(0 AS BIGINT) ELSE MOD(id, 5000) + 1 END AS k,"
                        + " MD5(CAST(id AS STRING)) AS p FROM src) GROUP BY k");
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                out.put(((Number) r.getField(0)).longValue(), r.getField(1) + "|" + r.getField(2));
            }
        }
        return out;
    }

    public static String md5(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
