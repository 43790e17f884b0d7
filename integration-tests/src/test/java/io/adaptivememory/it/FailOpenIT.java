package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.FlinkRest;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.HashJoinJob;
import io.adaptivememory.bench.workload.HeldSortJob;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedSqlJob;

import org.apache.flink.api.common.JobStatus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.adaptivememory.it.AgentMeters.SPILLED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Fail-open, hook by hook. For every hook the agent declares (read from the {@code hook} tags of
 * its fail-open meter, so a new hook cannot be forgotten here) and for all of them at once, a
 * fresh embedded cluster whose agent has the test-only fault switch
 * ({@code adaptive.memory.test.inject-fault}) on for that hook runs a mix of jobs that goes
 * through every hook: a skewed SQL sort aggregation (sorter plan and refills, borrowing), a
 * DataStream BATCH sort (eager plan), a hash join that spills (table plan, spill accounting) and
 * (for the {@code available-memory} hook) a held sort whose slot is read through Flink's
 * managed-memory metric. Each job
 * must give its exact result, and the hook's fail-open counter must have gone up, which proves the
 * fault really fired on that path. Managed memory is 16 MiB per slot, so memory is short and the
 * refusal, spill and shortfall paths run too.
 */
class FailOpenIT {

    static final String FAILOPEN = "adaptive_memory_failopen_total";
    /**
     * Hooks whose failure leaves the pool's picture incomplete (bytes it does not see, a plan
     * nothing was set aside for): the pool must stop lending for good.
     */
    static final Set<String> STOPS_LENDING =
            Set.of("slot-allocated", "reserve", "compute-memory-size", "compute-number-of-pages");
    static final Map<String, String> SMALL_SLOTS = Map.of(
            "taskmanager.memory.managed.size", "64m",
            "metrics.fetcher.update-interval", "500");

    static final SkewedSqlJob SORT = new SkewedSqlJob(300_000);
    static final SkewedDataStreamSortJob DATASTREAM_SORT = new SkewedDataStreamSortJob(100_000);
    static final HashJoinJob HASH_JOIN = new HashJoinJob(200_000, 200_000, false);
    static final HeldSortJob HELD = new HeldSortJob(20_000, 1);

    static Map<Long, String> sortExpected;
    static Map<Long, String> dataStreamExpected;
    static Map<Long, String> hashJoinExpected;
    static long[] heldExpected;
    static final List<String> SUMMARY = new ArrayList<>();

    @BeforeAll
    static void computeExpected() {
        sortExpected = SORT.expected();
        dataStreamExpected = DATASTREAM_SORT.expected();
        hashJoinExpected = HASH_JOIN.expected();
        heldExpected = HELD.expected();
    }

    @AfterAll
    static void printSummary() {
        System.out.println("FailOpenIT: hook -> fail-open count while the job mix ran, spilled MiB");
        SUMMARY.forEach(line -> System.out.println("  " + line));
    }

    @TestFactory
    Stream<DynamicTest> everyHook_failingOnEveryCall_jobsStillGiveExactResults() {
        TreeSet<String> hooks = new TreeSet<>();
        for (Prometheus.Sample s : Prometheus.ofAgent().scrape()) {
            if (s.name().equals(FAILOPEN)) {
                hooks.add(s.label("hook"));
            }
        }
        assertTrue(hooks.size() >= 16, "the agent declares its hooks on the fail-open meter: " + hooks);
        List<String> cases = new ArrayList<>(hooks);
        cases.add("all");
        return cases.stream().map(hook -> dynamicTest(hook, () -> runWithFault(hook)));
    }

    static void runWithFault(String hook) throws Exception {
        Prometheus agent = Prometheus.ofAgent();
        Map<String, Double> before = failOpenByHook(agent);
        double spilledBefore = Prometheus.valueOrZero(agent.scrape(), SPILLED);
        System.setProperty("adaptive.memory.test.inject-fault", hook);
        try (EmbeddedCluster cluster = EmbeddedCluster.start("adaptive", EmbeddedCluster.SLOTS, SMALL_SLOTS)) {
            runJobMix(cluster, hook);
            if (!hook.equals("all")) {
                checkPoolAfterJobs(agent, hook);
            }
        } finally {
            System.clearProperty("adaptive.memory.test.inject-fault");
        }
        Map<String, Double> after = failOpenByHook(agent);
        double spilled = Prometheus.valueOrZero(agent.scrape(), SPILLED) - spilledBefore;
        SUMMARY.add(String.format("%-24s %8.0f  %5.1f", hook,
                hook.equals("all") ? sum(after) - sum(before) : after.get(hook) - before.get(hook), spilled / 1048576));
        // With every hook failing the pool never opens (its own hook fails first), so the other
        // hooks find nothing governed and never reach their fault: Flink runs alone.
        String fired = hook.equals("all") ? "slot-table" : hook;
        assertTrue(after.get(fired) > before.get(fired),
                "the fault in '" + fired + "' fired while the jobs ran (fail-open count " + before.get(fired) + " -> "
                        + after.get(fired) + ")");
    }

    /**
     * Every job of the mix, each checked against its expected result. The held sort, whose slot is
     * read through Flink's managed-memory metric, is the one path to {@code available-memory}; it
     * runs for that hook and for all hooks at once.
     */
    static void runJobMix(EmbeddedCluster cluster, String hook) throws Exception {
        assertEquals(sortExpected,
                SORT.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS))),
                "skewed SQL sort aggregation");
        assertEquals(dataStreamExpected,
                DATASTREAM_SORT.run(AgentMeters.noRestart(cluster.clientConfig())),
                "DataStream BATCH sort");
        assertEquals(hashJoinExpected,
                HASH_JOIN.run(cluster.batchTableEnvironment(AgentMeters.noRestart(HashJoinJob.options()))),
                "hash join");
        if (!hook.equals("available-memory") && !hook.equals("all")) {
            return;
        }
        try (HeldSortJob.Held held = HELD.start(cluster.batchTableEnvironment(AgentMeters.noRestart(HeldSortJob.options())))) {
            awaitRunning(held);
            readManagedMemoryMetric(cluster);
            assertArrayEquals(heldExpected, held.drain(), "held sort");
        }
    }

    /**
     * After the mix the newest pool (this cluster's) keeps no account of a slot Flink freed
     * (twelve slot allocations went by, at most four are live), whether or not the shutdown hook
     * worked; and a failure that leaves the pool's picture incomplete stopped its lending.
     */
    static void checkPoolAfterJobs(Prometheus agent, String hook) throws InterruptedException {
        if (hook.equals("slot-table")) {
            return; // no pool was opened: Flink alone
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String pool;
        long accounts;
        do {
            Thread.sleep(200);
            List<Prometheus.Sample> samples = agent.scrape();
            pool = newestPool(samples);
            String p = pool;
            accounts = samples.stream()
                    .filter(s -> s.name().equals("adaptive_memory_slot_guarantee_bytes") && p.equals(s.label("pool")))
                    .count();
        } while (accounts > EmbeddedCluster.SLOTS && System.nanoTime() < deadline);
        assertTrue(accounts <= EmbeddedCluster.SLOTS,
                "pool " + pool + " keeps " + accounts + " slot accounts for " + EmbeddedCluster.SLOTS + " slots");
        String p = pool;
        double stopped = Prometheus.valueOrZero(
                agent.scrape().stream().filter(s -> p.equals(s.label("pool"))).toList(), "adaptive_memory_lending_stopped");
        assertEquals(STOPS_LENDING.contains(hook) ? 1.0 : 0.0, stopped, "pool " + pool + " lending stopped");
    }

    /** The pool of the cluster started last: pool ids only grow. */
    static String newestPool(List<Prometheus.Sample> samples) {
        return samples.stream()
                .filter(s -> s.name().equals("adaptive_memory_pool_total_bytes"))
                .map(s -> s.label("pool"))
                .max(Comparator.comparingInt(Integer::parseInt))
                .orElseThrow(() -> new AssertionError("no pool is open"));
    }

    static void awaitRunning(HeldSortJob.Held held) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (held.jobClient().getJobStatus().get() != JobStatus.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "the held job never ran");
            Thread.sleep(100);
        }
    }

    /**
     * Reads Flink's {@code Status.Flink.Memory.Managed.Used} over REST for a few fetch intervals:
     * Flink computes it from each active slot's {@code MemoryManager.availableMemory()}.
     */
    static void readManagedMemoryMetric(EmbeddedCluster cluster) throws Exception {
        FlinkRest rest = rest(cluster);
        String tm = rest.taskManagerSlots().keySet().iterator().next();
        for (int i = 0; i < 10; i++) {
            rest.taskManagerMetrics(tm, "Status.Flink.Memory.Managed");
            Thread.sleep(500);
        }
    }

    static FlinkRest rest(EmbeddedCluster cluster) {
        Map<String, String> conf = cluster.clientConfig();
        return new FlinkRest(conf.get("rest.address"), Integer.parseInt(conf.get("rest.port")));
    }

    static Map<String, Double> failOpenByHook(Prometheus agent) {
        Map<String, Double> out = new TreeMap<>();
        for (Prometheus.Sample s : agent.scrape()) {
            if (s.name().equals(FAILOPEN)) {
                out.put(s.label("hook"), s.value());
            }
        }
        return out;
    }

    static double sum(Map<String, Double> byHook) {
        return byHook.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
