package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.EmbeddedCluster;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The skewed DataStream batch workload: a keyed reduce in {@code RuntimeExecutionMode.BATCH},
 * which Flink runs on sorted inputs. Each reduce subtask's {@code ExternalSorter} sizes itself once
 * with {@code MemoryManager.computeNumberOfPages} and allocates that whole plan eagerly at task
 * init, idle subtasks included: the consumer kind that must never be promised memory that is out
 * on loan. Keys are those of {@link SkewedSqlJob} (one key holds 90% of the rows), payloads derive
 * from the id, so the exact result is known and is computed here independently of Flink.
 *
 * <p>Uses only DataStream API present in Flink 1.20 and 2.x, with string configuration keys.
 */
public final class SkewedDataStreamSortJob {

    private final long rows;

    public SkewedDataStreamSortJob(long rows) {
        this.rows = rows;
    }

    /** Group key -> "count|max(md5)" as Flink must produce it. */
    public Map<Long, String> expected() {
        return SqlGroups.expected(rows, SkewedSqlJob::keyOf);
    }

    /**
     * Runs the job in batch mode on the cluster that {@code clientConfig} points at (see
     * {@link EmbeddedCluster#clientConfig()}) and returns its result in the form of
     * {@link #expected()}.
     */
    public Map<Long, String> run(Map<String, String> clientConfig) throws Exception {
        Map<String, String> conf = new HashMap<>(clientConfig);
        conf.put("execution.runtime-mode", "BATCH");
        // Not getExecutionEnvironment(conf): it ignores execution.target=remote (FLINK-FACTS).
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(Configuration.fromMap(conf));
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterator<Tuple3<Long, Long, String>> it = env.fromSequence(1, rows)
                .map(new ToRecord())
                .keyBy(new ByKey())
                .reduce(new CountAndMax())
                .executeAndCollect("skewed-datastream-batch-sort")) {
            while (it.hasNext()) {
                Tuple3<Long, Long, String> r = it.next();
                if (out.put(r.f0, r.f1 + "|" + r.f2) != null) {
                    throw new IllegalStateException("key " + r.f0 + " emitted twice: not a batch reduce");
                }
            }
        }
        return out;
    }

    /** id -> (key, 1, md5(id)). */
    public static final class ToRecord implements MapFunction<Long, Tuple3<Long, Long, String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple3<Long, Long, String> map(Long id) {
            return Tuple3.of(SkewedSqlJob.keyOf(id), 1L, SqlGroups.md5(Long.toString(id)));
        }
    }

    public static final class ByKey implements KeySelector<Tuple3<Long, Long, String>, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Tuple3<Long, Long, String> r) {
            return r.f0;
        }
    }

    public static final class CountAndMax implements ReduceFunction<Tuple3<Long, Long, String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple3<Long, Long, String> reduce(Tuple3<Long, Long, String> a, Tuple3<Long, Long, String> b) {
            return Tuple3.of(a.f0, a.f1 + b.f1, a.f2.compareTo(b.f2) >= 0 ? a.f2 : b.f2);
        }
    }
}
