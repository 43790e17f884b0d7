package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.FlinkRest;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.HashJoinJob;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedSqlJob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.adaptivememory.it.AgentMeters.ACCOUNTING_ERRORS;
import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.POOL_TOTAL;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A soak on a session cluster: {@code -Dsoak.jobs=N} small jobs one after another (SQL sort
 * aggregation, hash join, DataStream BATCH sort, in turn) on one standalone TaskManager JVM with the
 * agent, each allocating and freeing the TaskManager's slots. After every job the pool must be back
 * to exactly its total with no slot left (the agent forgot every slot it tracked: no slot series on
 * its endpoint). The TaskManager's heap after a full GC ({@code jcmd GC.run}) and its thread count,
 * read through Flink's own metrics, must stay flat between the end of the warm-up and the end.
 *
 * <p>Long: skipped unless {@code soak.jobs} is set, e.g.
 * {@code mvn -B -ntp -f integration-tests/pom.xml verify -Dtest=SoakIT -Dsoak.jobs=300}.
 */
class SoakIT {

    static final String AGENT_JAR = System.getProperty("agent.jar");
    static final int JOBS = Integer.getInteger("soak.jobs", 0);
    static final int WARM_UP = 20;
    /** Heap the TaskManager may gain over the soak (Flink's own caches grow too). */
    static final long HEAP_SLACK_BYTES = 32L << 20;
    static final int THREAD_SLACK = 8;

    static final SkewedSqlJob SORT = new SkewedSqlJob(200_000);
    static final HashJoinJob HASH_JOIN = new HashJoinJob(100_000, 100_000, false);
    static final SkewedDataStreamSortJob DATASTREAM_SORT = new SkewedDataStreamSortJob(100_000);
    static final Path HISTORY = Path.of("target", "standalone", "soak-history").toAbsolutePath();
    /** Small, so that a soak of a few hundred jobs rotates and deletes history files many times. */
    static final long HISTORY_MAX_BYTES = 1L << 20;

    @Test
    @Timeout(value = 6, unit = TimeUnit.HOURS)
    void sessionCluster_manyJobs_poolExactAfterEachAndAgentFootprintFlat() throws Exception {
        assumeTrue(JOBS > WARM_UP, "set -Dsoak.jobs=N (N > " + WARM_UP + ") to run the soak");
        Map<Long, String> sortExpected = SORT.expected();
        Map<Long, String> joinExpected = HASH_JOIN.expected();
        Map<Long, String> dataStreamExpected = DATASTREAM_SORT.expected();
        TestFiles.deleteRecursively(HISTORY);
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .agent(AGENT_JAR, Map.of("adaptive.memory.history.dir", HISTORY.toString(),
                        "adaptive.memory.history.max-bytes", HISTORY_MAX_BYTES + "b",
                        "adaptive.memory.history.slot-sample-interval", "100ms"))
                .workDir(Path.of("target", "standalone", "soak"))
                .start()) {
            StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
            Prometheus agent = tm.agentPrometheus();
            long[] baseline = null;
            long start = System.nanoTime();
            for (int job = 1; job <= JOBS; job++) {
                switch (job % 3) {
                    case 0 -> assertEquals(sortExpected,
                            SORT.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS))), "job " + job);
                    case 1 -> assertEquals(joinExpected,
                            HASH_JOIN.run(cluster.batchTableEnvironment(AgentMeters.noRestart(HashJoinJob.options()))),
                            "job " + job);
                    default -> assertEquals(dataStreamExpected,
                            DATASTREAM_SORT.run(AgentMeters.noRestart(cluster.clientConfig())), "job " + job);
                }
                AgentMeters.Snapshot after = awaitIdle(agent);
                assertEquals(0, after.get(POOL_RESERVED), "job " + job + ": every page back");
                assertEquals(0, after.get(POOL_EARMARKED), "job " + job + ": every earmark back");
                assertEquals(StandaloneCluster.SLOTS_PER_TASK_MANAGER * SLOT_BYTES, after.get(POOL_TOTAL));
                if (job == WARM_UP) {
                    baseline = footprint(cluster, tm);
                }
            }
            long[] end = footprint(cluster, tm);
            AgentMeters.Snapshot last = AgentMeters.scrape(agent);
            System.out.printf("SoakIT: %d jobs in %d s; TaskManager heap after GC %d -> %d MiB, threads %d -> %d; "
                            + "fail-open %.0f, accounting errors %.0f%n",
                    JOBS, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), baseline[0] >> 20, end[0] >> 20,
                    baseline[1], end[1], last.get(FAILOPEN), last.get(ACCOUNTING_ERRORS));
            assertTrue(end[0] <= baseline[0] + HEAP_SLACK_BYTES, "heap stayed flat: " + baseline[0] + " -> " + end[0]);
            assertTrue(end[1] <= baseline[1] + THREAD_SLACK, "threads stayed flat: " + baseline[1] + " -> " + end[1]);
            assertEquals(0, last.get(FAILOPEN), "no internal failure");
            assertEquals(0, last.get(ACCOUNTING_ERRORS), "no accounting error");
            assertEquals(0, last.get("adaptive_memory_consumers_dropped_total"), "every consumer recorded");
            assertEquals(0, last.get("adaptive_memory_consumers_live"), "every ended consumer written and forgotten");
        }
        long historyBytes;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(HISTORY)) {
            historyBytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("SoakIT: history directory %d bytes (bound %d)%n", historyBytes, HISTORY_MAX_BYTES);
        assertTrue(historyBytes <= HISTORY_MAX_BYTES + HISTORY_MAX_BYTES / 4,
                "the history stays within its bound (plus the files being written): " + historyBytes);
        String read = AgentJar.run("recommend", "--history", HISTORY.toString());
        assertTrue(read.contains(" 0 problems"), "the rotated history reads back cleanly:\n" + read);
    }

    /** Waits until the TaskManager's slots are freed: the agent shows no slot and an empty pool. */
    static AgentMeters.Snapshot awaitIdle(Prometheus agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        AgentMeters.Snapshot s = AgentMeters.scrape(agent);
        while (System.nanoTime() < deadline) {
            boolean slots = s.samples().stream().anyMatch(x -> x.name().startsWith("adaptive_memory_slot_"));
            if (!slots && s.get(POOL_RESERVED) == 0 && s.get(POOL_EARMARKED) == 0) {
                return s;
            }
            Thread.sleep(200);
            s = AgentMeters.scrape(agent);
        }
        throw new AssertionError("the TaskManager never became idle: " + s.samples());
    }

    /** The TaskManager's heap used right after a full GC, and its live threads, from Flink's metrics. */
    static long[] footprint(StandaloneCluster cluster, StandaloneCluster.TaskManager tm) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(tm.pid()), "GC.run").redirectErrorStream(true).start();
        assertTrue(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0, "jcmd GC.run");
        Thread.sleep(3000); // two metric fetch intervals, so the values are from after the GC
        FlinkRest rest = cluster.rest();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Map<String, String> values = new HashMap<>(rest.taskManagerMetrics(tm.resourceId(), "Status.JVM.Memory.Heap.Used"));
            values.putAll(rest.taskManagerMetrics(tm.resourceId(), "Status.JVM.Threads.Count"));
            String heap = values.get("Status.JVM.Memory.Heap.Used");
            String threads = values.get("Status.JVM.Threads.Count");
            if (heap != null && threads != null) {
                return new long[] {Long.parseLong(heap), Long.parseLong(threads)};
            }
            assertTrue(System.nanoTime() < deadline, "Flink's REST API never listed the JVM metrics: " + values);
            Thread.sleep(500);
        }
    }
}
