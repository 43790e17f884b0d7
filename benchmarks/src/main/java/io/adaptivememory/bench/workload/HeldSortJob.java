package io.adaptivememory.bench.workload;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * A SQL batch job whose managed memory the caller decides when to give back: a global
 * {@code ORDER BY} (one sort subtask, so one slot does all the work and borrows under a lending
 * policy) over rows with a long payload derived from the id, whose sorted output the caller reads
 * when it chooses. The collect sink is chained to the sorter and blocks once its buffer is full, so
 * until the caller drains the result the sorter stays in its output phase and holds every page it
 * sorted in. That makes "memory is out on loan while another job starts" deterministic instead of
 * a race against the first job's run time. It holds only if the sort fits in memory: Flink's SQL
 * sorter spills everything, and frees its pages, once its records pass 80% of its planned memory
 * (measured: 350,000 rows x 16 repeats hold ~185 MiB with a 256 MiB plan; 410,000 spill).
 */
public final class HeldSortJob {

    private final long rows;
    private final int payloadRepeats;

    /**
     * @param rows ids 1..rows
     * @param payloadRepeats the payload is the id's MD5 repeated this often (32 characters each),
     *     which sets how much memory the sort needs: about (32 * repeats + 40) bytes a row
     */
    public HeldSortJob(long rows, int payloadRepeats) {
        this.rows = rows;
        this.payloadRepeats = payloadRepeats;
    }

    /**
     * Table options: the job on one slot. (Not ALL_EXCHANGES_PIPELINED: with it the adaptive
     * batch scheduler never deploys the sorter, with or without the agent, measured on 2.3.0; the
     * blocking source exchange is fine because the hold is between the sorter and its chained
     * sink.)
     */
    public static Map<String, String> options() {
        return Map.of(
                "table.exec.resource.default-parallelism", "1",
                "parallelism.default", "1");
    }

    /** The ids in the order Flink must return them: by payload, i.e. by MD5 (repeating keeps the order). */
    public long[] expected() {
        String[] md5 = new String[(int) rows + 1];
        for (int id = 1; id <= rows; id++) {
            md5[id] = SqlGroups.md5(Integer.toString(id));
        }
        return LongStream.rangeClosed(1, rows)
                .boxed()
                .sorted(Comparator.comparing(id -> md5[(int) (long) id]))
                .mapToLong(Long::longValue)
                .toArray();
    }

    /** A submitted job whose result has not been read yet. */
    public static final class Held implements AutoCloseable {
        private final TableResult result;
        private final CloseableIterator<Row> rows;
        private final long expectedRows;

        Held(TableResult result, long expectedRows) {
            this.result = result;
            this.rows = result.collect();
            this.expectedRows = expectedRows;
        }

        public JobClient jobClient() {
            return result.getJobClient().orElseThrow();
        }

        /** Reads the whole result, which lets the sorter finish and give its memory back. */
        public long[] drain() throws Exception {
            long[] ids = new long[(int) expectedRows];
            int n = 0;
            while (rows.hasNext()) {
                long id = ((Number) rows.next().getField(0)).longValue();
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n + 1);
                }
                ids[n++] = id;
            }
            return n == ids.length ? ids : Arrays.copyOf(ids, n);
        }

        @Override
        public void close() throws Exception {
            rows.close();
        }
    }

    /** Submits the job on the environment's cluster without reading its result. */
    public Held start(TableEnvironment env) {
        SqlGroups.createSequence(env, "held_src", rows);
        TableResult result = env.executeSql(
                "SELECT id FROM (SELECT id, REPEAT(MD5(CAST(id AS STRING)), " + payloadRepeats + ") AS p"
                        + " FROM held_src) ORDER BY p");
        return new Held(result, rows);
    }
}
