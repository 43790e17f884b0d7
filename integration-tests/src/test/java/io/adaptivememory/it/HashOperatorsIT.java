package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.workload.HashAggJob;
import io.adaptivememory.bench.workload.HashJoinJob;
import io.adaptivememory.bench.workload.HeldSortJob;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.SkewedSortThenHashAggJob;
import io.adaptivememory.bench.workload.SlotPeaks;
import io.adaptivememory.bench.workload.SqlGroups;

import org.apache.flink.api.common.JobID;
import org.apache.flink.table.api.TableResult;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.adaptivememory.it.AgentMeters.ACCOUNTING_ERRORS;
import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.PAGES_DENIED;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.POOL_UNCLAIMED;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAITS;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAIT_SECONDS;
import static io.adaptivememory.it.AgentMeters.SHORTFALLS;
import static io.adaptivememory.it.AgentMeters.SHORTFALL_BYTES;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static io.adaptivememory.it.AgentMeters.SLOT_RESERVED;
import static io.adaptivememory.it.AgentMeters.SPILLED;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL table operators that are not sorters, under the default {@code adaptive} policy, where the
 * agent may refuse a page ("no page": {@code LazyMemorySegmentPool.nextSegment()} returns null)
 * that Flink's static split would have given. A sorter spills on a null page; these operators
 * assume their planned pages exist and fail the task when one is refused: the hash aggregation's
 * {@code BytesHashMap} ({@code growAndRehash} checks {@code freePages()} and then
 * {@code allocateSegments} does {@code checkNotNull(nextSegment())}; its constructor takes 32
 * pages and its first record a 33rd; a local aggregation that cannot store one record after a
 * flush fails), and the hybrid hash join ({@code LongHybridHashTable}/{@code BinaryHashTable}: "No
 * memory became available", "Spilling did not free a buffer"). Every job here must finish with its
 * exact, Java-computed result; a failing task fails the job (no restarts), {@code collect()}
 * throws, and the test fails with the root cause.
 *
 * <p>Under Flink's batch defaults every pipelined region (here every job vertex: exchanges are
 * blocking) gets its own slot sharing group, so subtasks of different vertices never share a slot;
 * operators share a slot (and its managed memory, split by weight) only when they are in the same
 * task. The cases are therefore:
 * <ol>
 *   <li>a high-cardinality two-phase hash aggregation (three stages of {@code BytesHashMap}s; the
 *       inner global one falls back to sorting and spills) on 4 lender slots while a borrower job
 *       on a 5th slot holds ~185 MiB (as in {@link ReclaimIT}): the lenders' unused share is out;
 *   <li>a skewed sort with a hash aggregation chained behind it in the same task
 *       ({@code Sort -> OverAggregate -> Calc -> LocalHashAggregate}): on an idle cluster the hot
 *       sorter borrows and holds what it sorted while the hash aggregation next to it grows; on
 *       the lender slots while the loan is out the sorter is refused pages next to it;
 *   <li>a shuffled hash join (build side larger than its share, a local hash aggregation chained
 *       behind it) on the lender slots while the loan is out, with a BIGINT key
 *       ({@code LongHybridHashTable}) and with a STRING key ({@code BinaryHashTable});
 *   <li>1 and 3 under {@code static} first, so the plans, the row counts (they spill with Flink's
 *       own sizes) and the expected results are checked independently of the agent.
 * </ol>
 * On the lender slots no page may be refused to the hash operators at all (only sorters are ever
 * told "no page"); and, separately, on an idle TaskManager no operator may be planned below
 * Flink's size.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HashOperatorsIT {

    /** The lender jobs run on {@link EmbeddedCluster#SLOTS} slots; one more holds the borrower. */
    static final int ADAPTIVE_SLOTS = EmbeddedCluster.SLOTS + 1;
    /** ~185 MiB sorted in memory and held until its result is read (see {@link HeldSortJob}). */
    static final HeldSortJob BORROWER = new HeldSortJob(350_000, 16);
    /**
     * 1.2M groups: each inner global aggregation subtask (32 MiB: it shares its task with the outer
     * local aggregation) gets ~300k groups of ~120 bytes plus 4 MiB of buckets, so it falls back to
     * sorting and spills under static.
     */
    static final HashAggJob HASH_AGG = new HashAggJob(1_300_000, 1_200_000);
    /**
     * ~190k build rows of ~300 bytes a subtask against the join's ~43 MiB (two thirds of its slot;
     * the local aggregation chained behind it has the rest): spills under static.
     */
    static final HashJoinJob HASH_JOIN = new HashJoinJob(750_000, 750_000, false);
    /** The same join on a STRING key, so through a {@code BinaryHashTable}; same expected result. */
    static final HashJoinJob HASH_JOIN_STRING_KEY = new HashJoinJob(750_000, 750_000, true);
    /**
     * 720k rows under key 0: ~58 MiB for the hot sorter, whose share is 32 MiB (half its slot; the
     * local hash aggregation has the other half).
     */
    static final SkewedSortThenHashAggJob SORT_THEN_HASH = new SkewedSortThenHashAggJob(800_000);
    static final long FLOOR = SLOT_BYTES / 4;

    static Prometheus prometheus;
    static EmbeddedCluster cluster;
    static String clusterPolicy;
    static long[] borrowerExpected;
    static Map<Long, String> hashAggExpected;
    static Map<Long, String> hashJoinExpected;
    static Map<Long, String> sortThenHashExpected;

    @BeforeAll
    static void computeExpected() {
        prometheus = Prometheus.ofAgent();
        long start = System.nanoTime();
        borrowerExpected = BORROWER.expected();
        hashAggExpected = HASH_AGG.expected();
        hashJoinExpected = HASH_JOIN.expected();
        sortThenHashExpected = SORT_THEN_HASH.expected();
        System.out.printf("HashOperatorsIT: expected results computed in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void stop() throws Exception {
        closeCluster();
    }

    /** The cluster for {@code policy}: 4 slots for static, 4 + 1 for adaptive; started once per policy. */
    static EmbeddedCluster cluster(String policy) throws Exception {
        if (!policy.equals(clusterPolicy)) {
            closeCluster();
            cluster = EmbeddedCluster.start(policy, policy.equals("static") ? EmbeddedCluster.SLOTS : ADAPTIVE_SLOTS, Map.of());
            clusterPolicy = policy;
        }
        return cluster;
    }

    static void closeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
            clusterPolicy = null;
        }
    }

    // ------------------------------------------------------------------------
    //  static: the queries, their plans and their expected results
    // ------------------------------------------------------------------------

    @Test
    @Order(1)
    @Timeout(60)
    void static_hashAggregation_hashAggregatePlanSpillsExactResult() throws Exception {
        EmbeddedCluster c = cluster("static");
        String plan = HASH_AGG.explain(c.batchTableEnvironment(HashAggJob.options()));
        String exec = executionPlan(plan);
        assertTrue(exec.contains("LocalHashAggregate(groupBy=[k]"), "two-phase hash aggregation:\n" + exec);
        assertTrue(count(exec, "HashAggregate(isMerge=[true]") == 2, "both aggregations are hash aggregations:\n" + exec);
        assertFalse(exec.contains("SortAggregate") || exec.contains("Sort("), "no sort in the plan:\n" + exec);

        Run r = run("static hash aggregation", () -> HASH_AGG.run(c.batchTableEnvironment(AgentMeters.noRestart(HashAggJob.options()))));
        assertEquals(hashAggExpected, r.result(), "static hash aggregation result");
        assertTrue(r.delta(SPILLED) > 0, "the hash aggregation fell back to sorting and spilled with Flink's own sizes");
    }

    @Test
    @Order(2)
    @Timeout(60)
    void static_hashJoin_shuffledHashJoinPlanSpillsExactResult() throws Exception {
        EmbeddedCluster c = cluster("static");
        String plan = HASH_JOIN.explain(c.batchTableEnvironment(HashJoinJob.options()));
        String exec = executionPlan(plan);
        assertTrue(exec.contains("HashJoin(joinType=[InnerJoin], where=[(pjk = bjk)]") && exec.contains("build=[right]"),
                "an inner hash join building the build table:\n" + exec);
        assertTrue(exec.contains("Exchange(distribution=[hash[pjk]])") && exec.contains("Exchange(distribution=[hash[id]])"),
                "both inputs hash-partitioned on the key (shuffled, not broadcast):\n" + exec);
        assertFalse(exec.contains("SortMergeJoin") || exec.contains("NestedLoopJoin") || exec.contains("broadcast"),
                "no other join:\n" + exec);

        Run r = run("static hash join", () -> HASH_JOIN.run(c.batchTableEnvironment(AgentMeters.noRestart(HashJoinJob.options()))));
        assertEquals(hashJoinExpected, r.result(), "static hash join result");
        assertTrue(r.delta(SPILLED) > 0, "the hash join spilled build partitions with Flink's own sizes");
    }

    // ------------------------------------------------------------------------
    //  adaptive
    // ------------------------------------------------------------------------

    /**
     * Case 2 on an idle cluster: the hot sorter borrows other slots' shares while the local hash
     * aggregation in its task (so in its slot) needs its own share.
     */
    @Test
    @Order(3)
    @Timeout(60)
    void adaptive_skewedSortBorrowsWithAHashAggregationInItsTask_exactResultNoFailure() throws Exception {
        EmbeddedCluster c = cluster("adaptive");
        assertSortThenHashPlan(c);
        AtomicReference<JobID> job = new AtomicReference<>();
        Run r = run("skewed sort + hash aggregation in one task (adaptive, idle cluster)", () -> sortThenHash(c, job));
        idleRun = r;
        assertEquals(sortThenHashExpected, r.result(), "skewed sort + hash aggregation result");
        assertSorterAndHashAggregationShareATask(c, job.get());
        assertTrue(r.peaks().hottestSlotPeak() > SLOT_BYTES,
                "the hot sorter borrowed beyond its slot's share while the hash aggregation shared its slot: "
                        + peaksInMib(r.peaks()));
        AgentMeters.Snapshot drained = AgentMeters.awaitEmptyPool(prometheus);
        assertEquals(0.0, drained.since(r.before(), FAILOPEN), "the agent never fell back to Flink's own behaviour");
        assertEquals(0.0, drained.since(r.before(), ACCOUNTING_ERRORS), "no accounting errors");
        assertEquals(0.0, drained.get(POOL_RESERVED), "every page is back in the pool");
        assertEquals(0.0, drained.get(POOL_EARMARKED), "and no earmark is left");
    }

    /** Case 2's run on the idle cluster, which the next test reads. */
    static Run idleRun;

    /**
     * On an idle TaskManager Flink alone would give every table operator its whole plan at once.
     * With the agent that holds in most runs (no wait, no shortfall), but not in all: when the
     * tasks of a stage are deployed far apart (a busy JVM, late in the test suite), an operator in
     * a slot whose share the hot sorter of another slot has already borrowed, or whose previous
     * stage's plan is still earmarked (younger than the 500 ms after which a finished task's
     * earmarks are returned), waits and may be sized down (docs/DESIGN.md, limitations; seen in 4
     * of about 10 suite runs, never when the test class runs alone). What always holds, and is
     * asserted: every wait ends by the reclaim timeout, and every shortfall leaves the operator at
     * least its slot's floor, so no operator gets less than a quarter of Flink's plan. (Measured on
     * 9b431c8 and b8588ed, before finished tasks' earmarks were returned: every stage after the
     * first waited {@code reclaim-timeout}.)
     */
    @Test
    @Order(4)
    @Timeout(60)
    void adaptive_idleCluster_waitsBoundedAndShortfallsAboveTheFloor() throws Exception {
        EmbeddedCluster c = cluster("adaptive");
        Run r = idleRun != null ? idleRun
                : run("skewed sort + hash aggregation (adaptive, idle cluster)", () -> sortThenHash(c, new AtomicReference<>()));
        double waits = r.delta(RECLAIM_WAITS);
        double shortfalls = r.delta(SHORTFALLS);
        System.out.printf("HashOperatorsIT idle cluster: %.0f waits (%.2f s), %.0f shortfalls (%d MiB)%n",
                waits, r.delta(RECLAIM_WAIT_SECONDS), shortfalls, mib(r.delta(SHORTFALL_BYTES)));
        assertTrue(r.delta(RECLAIM_WAIT_SECONDS) <= waits * (ReclaimIT.RECLAIM_TIMEOUT_SECONDS + 0.25),
                "every wait ended by the reclaim timeout: " + waits + " waits, " + r.delta(RECLAIM_WAIT_SECONDS) + " s");
        assertTrue(r.delta(SHORTFALL_BYTES) <= shortfalls * (SLOT_BYTES - SLOT_BYTES / 4),
                "no shortfall took an operator below its slot's floor: " + shortfalls + " shortfalls, "
                        + mib(r.delta(SHORTFALL_BYTES)) + " MiB");
    }

    /**
     * Cases 1, 2 and 3 (both keys) on the 4 lender slots of an adaptive TaskManager with 5 slots, while a
     * borrower job on the 5th slot holds ~185 MiB (as in {@link ReclaimIT}: a global SQL sort whose
     * result is not read yet keeps every page it sorted): of the lender slots' 4 x 64 MiB only their
     * floors (4 x 16 MiB) and what the loan leaves unclaimed (~70 MiB) are there, and the loan never
     * comes back while they run.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class WhileALoanIsOut {

        EmbeddedCluster c;
        HeldSortJob.Held borrower;
        long loan;
        long unclaimed;
        AgentMeters.Snapshot before;

        @BeforeAll
        @Timeout(90)
        void lend() throws Exception {
            c = cluster("adaptive");
            before = AgentMeters.scrape(prometheus);
            borrower = BORROWER.start(c.batchTableEnvironment(AgentMeters.noRestart(HeldSortJob.options())));
            loan = AgentMeters.awaitStableLoan(prometheus);
            unclaimed = (long) AgentMeters.scrape(prometheus).get(POOL_UNCLAIMED);
            System.out.printf("HashOperatorsIT: the borrower holds %d MiB; %d MiB unclaimed%n", mib(loan), mib(unclaimed));
        }

        @AfterAll
        @Timeout(60)
        void repay() throws Exception {
            try {
                assertArrayEquals(borrowerExpected, borrower.drain(), "borrower result");
            } finally {
                borrower.close();
            }
            AgentMeters.Snapshot drained = AgentMeters.awaitEmptyPool(prometheus);
            assertEquals(0.0, drained.since(before, FAILOPEN), "the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, drained.since(before, ACCOUNTING_ERRORS), "no accounting errors");
            assertEquals(0.0, drained.get(POOL_RESERVED), "every page is back in the pool after all jobs");
            assertEquals(0.0, drained.get(POOL_EARMARKED), "and no earmark is left");
        }

        @Test
        @Order(1)
        @Timeout(60)
        void hashAggregationOnLenderSlots_exactResultNoPageRefusedNoFailure() throws Exception {
            Run r = lenderRun("hash aggregation", () ->
                    HASH_AGG.run(c.batchTableEnvironment(AgentMeters.noRestart(HashAggJob.options()))));
            assertEquals(hashAggExpected, r.result(), "hash aggregation result");
            assertHashOperatorsHonoured(r);
        }

        @Test
        @Order(2)
        @Timeout(60)
        void skewedSortWithAHashAggregationInItsTaskOnLenderSlots_exactResultNoFailure() throws Exception {
            assertSortThenHashPlan(c);
            AtomicReference<JobID> job = new AtomicReference<>();
            Run r = lenderRun("skewed sort + hash aggregation in one task", () -> sortThenHash(c, job));
            assertEquals(sortThenHashExpected, r.result(), "skewed sort + hash aggregation result");
            assertSorterAndHashAggregationShareATask(c, job.get());
            assertEquals(0.0, r.delta(FAILOPEN), "the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, r.delta(ACCOUNTING_ERRORS), "no accounting errors");
        }

        @Test
        @Order(3)
        @Timeout(60)
        void hashJoinOnLenderSlots_exactResultNoPageRefusedNoFailure() throws Exception {
            Run r = lenderRun("hash join, BIGINT key", () ->
                    HASH_JOIN.run(c.batchTableEnvironment(AgentMeters.noRestart(HashJoinJob.options()))));
            assertEquals(hashJoinExpected, r.result(), "hash join result");
            assertHashOperatorsHonoured(r);
        }

        @Test
        @Order(4)
        @Timeout(60)
        void hashJoinOnStringKeysOnLenderSlots_exactResultNoPageRefusedNoFailure() throws Exception {
            String exec = executionPlan(HASH_JOIN_STRING_KEY.explain(c.batchTableEnvironment(HashJoinJob.options())));
            assertTrue(exec.contains("HashJoin(joinType=[InnerJoin], where=[(pjk = bjk)]") && exec.contains("build=[right]")
                    && exec.contains("AS VARCHAR(2147483647)) AS pjk"), "a hash join on a STRING key:\n" + exec);
            Run r = lenderRun("hash join, STRING key", () ->
                    HASH_JOIN_STRING_KEY.run(c.batchTableEnvironment(AgentMeters.noRestart(HashJoinJob.options()))));
            assertEquals(hashJoinExpected, r.result(), "hash join result");
            assertHashOperatorsHonoured(r);
        }

        /** Runs a lender job once the previous one has left nothing but the loan in the pool. */
        Run lenderRun(String name, Callable<Map<Long, String>> lender) throws Exception {
            AgentMeters.Snapshot quiet = awaitOnlyTheLoan(loan);
            assertEquals(loan, AgentMeters.hottestSlotReserved(quiet), "the loan is out when the lender starts");
            long free = (long) quiet.get(POOL_UNCLAIMED);
            assertTrue(free + EmbeddedCluster.SLOTS * FLOOR < EmbeddedCluster.SLOTS * SLOT_BYTES,
                    "precondition: the lender slots cannot all have their share (" + mib(free) + " MiB unclaimed)");
            Run r = run(name + " (adaptive, " + mib(loan) + " MiB on loan, " + mib(free) + " MiB unclaimed)", lender);
            assertEquals(loan, AgentMeters.hottestSlotReserved(AgentMeters.scrape(prometheus)),
                    "the loan was still out when the lender finished, so during its whole run");
            return r;
        }

        /**
         * Only SQL sorters may be told "no page"; these lenders have none, so they get every page they
         * plan with. The loan must have bound them: some plan either waited for memory or was sized
         * down. Which of the two depends on timing (a stage whose earlier subtasks finish within the
         * reclaim timeout hands its waiters their whole plan) and on grant feedback (plans sized from
         * the static run's demand), so either counts.
         */
        void assertHashOperatorsHonoured(Run r) {
            double waits = r.delta(RECLAIM_WAITS);
            double shortfalls = r.delta(SHORTFALLS);
            assertTrue(waits + shortfalls >= 1,
                    "precondition: the lender's operators could not all have their plan at once while the loan was out ("
                            + waits + " waits, " + shortfalls + " shortfalls)");
            assertEquals(0.0, r.delta(PAGES_DENIED), "no page was refused to a hash operator below its plan");
            assertEquals(0.0, r.delta(FAILOPEN), "the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, r.delta(ACCOUNTING_ERRORS), "no accounting errors");
        }
    }

    static void assertSortThenHashPlan(EmbeddedCluster c) {
        String exec = executionPlan(SORT_THEN_HASH.explain(c.batchTableEnvironment(SkewedSortThenHashAggJob.options())));
        assertTrue(exec.contains("LocalHashAggregate(groupBy=[rn]") && exec.contains("OverAggregate(partitionBy=[k]")
                && exec.contains("Sort(orderBy=[k ASC, p ASC])"), "a sort feeding a local hash aggregation:\n" + exec);
    }

    /** Runs case 2 and returns its result; {@code job} receives its id. */
    static Map<Long, String> sortThenHash(EmbeddedCluster c, AtomicReference<JobID> job) throws Exception {
        TableResult result = SORT_THEN_HASH.submit(c.batchTableEnvironment(AgentMeters.noRestart(SkewedSortThenHashAggJob.options())));
        job.set(result.getJobClient().orElseThrow().getJobID());
        return SqlGroups.collect(result);
    }

    static void assertSorterAndHashAggregationShareATask(EmbeddedCluster c, JobID job) throws Exception {
        List<String> vertices = vertexNames(c, job);
        assertTrue(vertices.stream().anyMatch(v -> v.matches("Sort\\[\\d+\\] -> OverAggregate.* -> HashAggregate\\[\\d+\\]")),
                "the sorter and the local hash aggregation are one task, so one slot: " + vertices);
    }

    /** Waits (bounded) until the pool holds only the borrower's loan: the previous lender's slots are freed. */
    static AgentMeters.Snapshot awaitOnlyTheLoan(long loan) throws InterruptedException {
        long deadline = System.nanoTime() + AgentMeters.EMPTY_POOL_WAIT.toNanos();
        AgentMeters.Snapshot s = AgentMeters.scrape(prometheus);
        while ((s.get(POOL_RESERVED) != loan || s.get(POOL_EARMARKED) != 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = AgentMeters.scrape(prometheus);
        }
        assertEquals((double) loan, s.get(POOL_RESERVED), "only the loan is left in the pool before the next lender");
        assertEquals(0.0, s.get(POOL_EARMARKED), "and no earmark");
        return s;
    }

    // ------------------------------------------------------------------------
    //  helpers
    // ------------------------------------------------------------------------

    /** One job run: its result, the meters before and after, and the slots' peaks meanwhile. */
    record Run(Map<Long, String> result, AgentMeters.Snapshot before, AgentMeters.Snapshot after, SlotPeaks peaks, long millis) {
        double delta(String name) {
            return after.since(before, name);
        }
    }

    /**
     * Runs a job; a job failure (a failed task: no restarts) fails the test with its root cause
     * and where it was thrown.
     */
    static Run run(String name, Callable<Map<Long, String>> job) throws Exception {
        AgentMeters.Snapshot before = AgentMeters.scrape(prometheus);
        SlotPeaks peaks = new SlotPeaks(prometheus);
        long start = System.nanoTime();
        Map<Long, String> result;
        try (peaks) {
            result = job.call();
        } catch (Throwable t) {
            throw new AssertionError(name + ": the job failed; root cause: " + describeRootCause(t), t);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        AgentMeters.Snapshot after = AgentMeters.scrape(prometheus);
        Run r = new Run(result, before, after, peaks, millis);
        System.out.printf("HashOperatorsIT %s: %d ms, %d rows, spilled %d MiB, pages denied %.0f, shortfalls %.0f (%d MiB),"
                        + " reclaim waits %.0f, fail-open %.0f; slot peaks %s%n",
                name, millis, result.size(), mib(r.delta(SPILLED)), r.delta(PAGES_DENIED), r.delta(SHORTFALLS),
                mib(r.delta(SHORTFALL_BYTES)), r.delta(RECLAIM_WAITS), r.delta(FAILOPEN), peaksInMib(peaks));
        return r;
    }

    static String peaksInMib(SlotPeaks peaks) {
        return peaks.peakReservedBySlot().entrySet().stream()
                .map(e -> e.getKey() + "=" + mib(e.getValue()))
                .collect(Collectors.joining(", ", "{", "} MiB"));
    }

    /** The cause chain, and the innermost cause's first frames (which operator threw). */
    static String describeRootCause(Throwable t) {
        List<String> chain = new ArrayList<>();
        Throwable root = t;
        for (Throwable c = t; c != null && chain.size() < 20; c = c.getCause()) {
            chain.add(c.getClass().getName() + ": " + c.getMessage());
            root = c;
        }
        String frames = Arrays.stream(root.getStackTrace()).limit(12).map(f -> "\n    at " + f).collect(Collectors.joining());
        return chain.get(chain.size() - 1) + frames + "\n  cause chain:\n    " + String.join("\n    ", chain);
    }

    static String executionPlan(String explain) {
        int i = explain.indexOf("== Optimized Execution Plan ==");
        return i < 0 ? explain : explain.substring(i);
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static final Pattern VERTEX_NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The job's vertex (task) names from the cluster's REST API. */
    static List<String> vertexNames(EmbeddedCluster c, JobID job) throws Exception {
        Map<String, String> conf = c.clientConfig();
        URI uri = URI.create("http://" + conf.get("rest.address") + ":" + conf.get("rest.port") + "/jobs/" + job);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "GET " + uri + ": " + response.body());
        List<String> names = new ArrayList<>();
        Matcher m = VERTEX_NAME.matcher(response.body());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
