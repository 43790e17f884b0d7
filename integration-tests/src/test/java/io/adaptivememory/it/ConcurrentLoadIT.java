package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.HashJoinJob;
import io.adaptivememory.bench.workload.RocksDbCountJob;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedSqlJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.adaptivememory.it.AgentMeters.ACCOUNTING_ERRORS;
import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load on real TaskManagers: two TaskManager JVMs of 4 slots with the agent, and four jobs at
 * once, two slots each, so that every slot is busy and the consumers of all kinds compete for the
 * same pools: a skewed SQL sort aggregation (borrows), a hash join (table plans, spills), a
 * DataStream BATCH sort (eager plans) and a streaming job with RocksDB state (reserved whole).
 * Repeated {@code -Dload.rounds} times (1 in the default test run). Every job of every round must
 * give its exact result (no task may fail: restarts are off), neither pool may ever exceed its
 * TaskManager's total, and after the last round both pools are empty, with no internal failure
 * and no accounting error.
 */
class ConcurrentLoadIT {

    static final String AGENT_JAR = System.getProperty("agent.jar");
    static final int ROUNDS = Integer.getInteger("load.rounds", 1);
    static final int PARALLELISM = 2;
    static final long TM_MANAGED_BYTES = StandaloneCluster.SLOTS_PER_TASK_MANAGER * SLOT_BYTES;

    static final SkewedSqlJob SORT = new SkewedSqlJob(1_000_000);
    static final HashJoinJob HASH_JOIN = new HashJoinJob(400_000, 400_000, false);
    static final SkewedDataStreamSortJob DATASTREAM_SORT = new SkewedDataStreamSortJob(300_000);
    static final RocksDbCountJob ROCKSDB = new RocksDbCountJob(300_000, 500);

    @Test
    @Timeout(1800)
    void twoTaskManagers_fourJobsAtOnce_everyResultExactPoolsBoundedAndEmptyAfter() throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("skewed SQL sort aggregation", SORT.expected());
        expected.put("hash join", HASH_JOIN.expected());
        expected.put("DataStream BATCH sort", DATASTREAM_SORT.expected());
        expected.put("RocksDB streaming", ROCKSDB.expected());
        ExecutorService clients = Executors.newFixedThreadPool(expected.size());
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .taskManagers(2)
                .agent(AGENT_JAR, Map.of())
                .workDir(Path.of("target", "standalone", "load"))
                .start()) {
            List<SlotPeaks> peaks = new ArrayList<>();
            for (StandaloneCluster.TaskManager tm : cluster.taskManagers()) {
                peaks.add(new SlotPeaks(tm.agentPrometheus()));
            }
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    long start = System.nanoTime();
                    Map<String, Future<Object>> running = new LinkedHashMap<>();
                    for (Map.Entry<String, Callable<Object>> job : jobs(cluster).entrySet()) {
                        running.put(job.getKey(), clients.submit(job.getValue()));
                    }
                    for (Map.Entry<String, Future<Object>> r : running.entrySet()) {
                        assertEquals(expected.get(r.getKey()), r.getValue().get(600, TimeUnit.SECONDS),
                                "round " + round + ": " + r.getKey());
                    }
                    System.out.printf("ConcurrentLoadIT round %d of %d: 4 jobs exact in %d ms%n",
                            round, ROUNDS, (System.nanoTime() - start) / 1_000_000);
                }
            } finally {
                for (SlotPeaks p : peaks) {
                    p.close();
                }
            }
            for (int i = 0; i < peaks.size(); i++) {
                StandaloneCluster.TaskManager tm = cluster.taskManagers().get(i);
                SlotPeaks p = peaks.get(i);
                System.out.printf("ConcurrentLoadIT %s: sampled pool peak %d MiB of %d, slot peaks %s%n",
                        tm.resourceId(), p.peakPoolReserved() >> 20, p.poolTotal() >> 20, p.peakReservedBySlot());
                assertTrue(p.peakPoolReserved() <= TM_MANAGED_BYTES, tm.resourceId() + " never above its total");
                AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(tm.agentPrometheus());
                assertEquals(0, after.get(POOL_RESERVED), tm.resourceId() + ": every page back");
                assertEquals(0, after.get(POOL_EARMARKED), tm.resourceId() + ": every earmark back");
                assertEquals(0, after.get(FAILOPEN), tm.resourceId() + ": no internal failure");
                assertEquals(0, after.get(ACCOUNTING_ERRORS), tm.resourceId() + ": no accounting error");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** The four jobs of a round, each on {@link #PARALLELISM} slots, restarts off. */
    static Map<String, Callable<Object>> jobs(StandaloneCluster cluster) {
        Map<String, String> sql = new HashMap<>();
        sql.put("table.exec.resource.default-parallelism", String.valueOf(PARALLELISM));
        sql.put("parallelism.default", String.valueOf(PARALLELISM));
        Map<String, String> sortOptions = new HashMap<>(SkewedSqlJob.OPTIONS);
        sortOptions.putAll(sql);
        Map<String, String> joinOptions = new HashMap<>(HashJoinJob.options());
        joinOptions.putAll(sql);
        Map<String, String> client = new HashMap<>(cluster.clientConfig());
        client.put("parallelism.default", String.valueOf(PARALLELISM));
        Map<String, String> streamClient = AgentMeters.noRestart(client);

        Map<String, Callable<Object>> jobs = new LinkedHashMap<>();
        jobs.put("skewed SQL sort aggregation",
                () -> SORT.run(cluster.batchTableEnvironment(AgentMeters.noRestart(sortOptions))));
        jobs.put("hash join", () -> HASH_JOIN.run(cluster.batchTableEnvironment(AgentMeters.noRestart(joinOptions))));
        jobs.put("DataStream BATCH sort", () -> DATASTREAM_SORT.run(streamClient));
        jobs.put("RocksDB streaming", () -> ROCKSDB.run(streamClient));
        return jobs;
    }
}
