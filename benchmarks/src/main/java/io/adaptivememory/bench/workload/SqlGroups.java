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
import java.util.function.LongUnaryOperator;

/**
 * What the SQL workloads share: a bounded sequence source of ids 1..rows, payloads derived from
 * the id (MD5 of its decimal string, reproducible unlike datagen's random strings), and results of
 * the form group key -> "count|max(md5)", computed independently of Flink for comparison.
 */
public final class SqlGroups {

    private SqlGroups() {}

    /** Registers {@code table(id BIGINT)} holding the ids 1..rows. */
    public static void createSequence(TableEnvironment env, String table, long rows) {
        env.executeSql("CREATE TEMPORARY TABLE " + table + " (id BIGINT) WITH ("
                + "'connector'='datagen',"
                + "'fields.id.kind'='sequence',"
                + "'fields.id.start'='1',"
                + "'fields.id.end'='" + rows + "',"
                + "'number-of-rows'='" + rows + "',"
                + "'rows-per-second'='1000000000')");
    }

    /** Reads a result of rows (key, count, max md5). */
    public static Map<Long, String> collect(TableResult result) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                out.put(((Number) r.getField(0)).longValue(), r.getField(1) + "|" + r.getField(2));
            }
        }
        return out;
    }

    /** The result Flink must produce when ids 1..rows are grouped by {@code keyOf}. */
    public static Map<Long, String> expected(long rows, LongUnaryOperator keyOf) {
        Map<Long, Long> counts = new TreeMap<>();
        Map<Long, String> max = new TreeMap<>();
        for (long id = 1; id <= rows; id++) {
            long k = keyOf.applyAsLong(id);
            counts.merge(k, 1L, Long::sum);
            max.merge(k, md5(Long.toString(id)), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        Map<Long, String> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, c + "|" + max.get(k)));
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
