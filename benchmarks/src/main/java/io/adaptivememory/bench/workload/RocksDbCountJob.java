package io.adaptivememory.bench.workload;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bounded streaming job with keyed state on the RocksDB state backend: each parallel RocksDB
 * instance takes its slot's managed memory for its block cache and write buffers through
 * {@code MemoryManager.getSharedMemoryResourceForManagedMemory} (sized with
 * {@code computeMemorySize} and reserved whole with {@code reserveMemory} when the keyed backend
 * is created, released when it is disposed). The job counts rows and keeps the greatest payload
 * per key in two {@code ValueState}s and emits each key's final state from an event-time timer
 * that the end of input fires, so the output is one row per key. Keys are {@code id % keys},
 * payloads derive from the id, so the exact result is computed here independently of Flink.
 *
 * <p>Runs in {@code STREAMING} mode with {@code state.backend.type=rocksdb} (string keys: the
 * backend's package differs between Flink 1.20 and 2.x, the keys do not).
 */
public final class RocksDbCountJob {

    private final long rows;
    private final long keys;

    public RocksDbCountJob(long rows, long keys) {
        this.rows = rows;
        this.keys = keys;
    }

    /** Key -> "count|max(md5)" as Flink must produce it. */
    public Map<Long, String> expected() {
        return SqlGroups.expected(rows, id -> id % keys);
    }

    /** The job's configuration on top of {@code clientConfig}: streaming mode, RocksDB state. */
    public static Map<String, String> configuration(Map<String, String> clientConfig) {
        Map<String, String> conf = new HashMap<>(clientConfig);
        conf.put("execution.runtime-mode", "STREAMING");
        conf.put("state.backend.type", "rocksdb");
        conf.put("state.backend.rocksdb.memory.managed", "true");
        return conf;
    }

    /** Runs the job on the cluster {@code clientConfig} points at; returns the form of {@link #expected()}. */
    public Map<Long, String> run(Map<String, String> clientConfig) throws Exception {
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(Configuration.fromMap(configuration(clientConfig)));
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterator<Tuple3<Long, Long, String>> it = env.fromSequence(1, rows)
                .map(new ToRecord(keys))
                .keyBy(new SkewedDataStreamSortJob.ByKey())
                .process(new CountAndMaxInState())
                .executeAndCollect("rocksdb-count")) {
            while (it.hasNext()) {
                Tuple3<Long, Long, String> r = it.next();
                if (out.put(r.f0, r.f1 + "|" + r.f2) != null) {
                    throw new IllegalStateException("key " + r.f0 + " emitted twice");
                }
            }
        }
        return out;
    }

    /** id -> (id % keys, 1, md5(id)). */
    public static final class ToRecord implements MapFunction<Long, Tuple3<Long, Long, String>> {
        private static final long serialVersionUID = 1L;
        private final long keys;

        public ToRecord(long keys) {
            this.keys = keys;
        }

        @Override
        public Tuple3<Long, Long, String> map(Long id) {
            return Tuple3.of(id % keys, 1L, SqlGroups.md5(Long.toString(id)));
        }
    }

    /** Count and max payload per key in RocksDB; the final value is emitted at the end of input. */
    public static final class CountAndMaxInState
            extends KeyedProcessFunction<Long, Tuple3<Long, Long, String>, Tuple3<Long, Long, String>> {
        private static final long serialVersionUID = 1L;

        private transient ValueState<Long> count;
        private transient ValueState<String> max;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            max = getRuntimeContext().getState(new ValueStateDescriptor<>("max", Types.STRING));
        }

        @Override
        public void processElement(Tuple3<Long, Long, String> r, Context ctx, Collector<Tuple3<Long, Long, String>> out)
                throws Exception {
            Long c = count.value();
            if (c == null) {
                // Fires when the end of the bounded input advances event time to the end.
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
                c = 0L;
            }
            count.update(c + r.f1);
            String m = max.value();
            if (m == null || r.f2.compareTo(m) > 0) {
                max.update(r.f2);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple3<Long, Long, String>> out)
                throws Exception {
            out.collect(Tuple3.of(ctx.getCurrentKey(), count.value(), max.value()));
        }
    }
}
