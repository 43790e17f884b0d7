package io.adaptivememory.it;

import static io.adaptivememory.it.AgentMeters.ACCOUNTING_ERRORS;
import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.FEEDBACK_LOWERED;
import static io.adaptivememory.it.AgentMeters.FEEDBACK_LOWERED_BYTES;
import static io.adaptivememory.it.AgentMeters.FEEDBACK_RAISED;
import static io.adaptivememory.it.AgentMeters.FEEDBACK_RAISED_BYTES;
import static io.adaptivememory.it.AgentMeters.PAGES_DENIED;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.RECLAIM_WAITS;
import static io.adaptivememory.it.AgentMeters.SHORTFALLS;
import static io.adaptivememory.it.AgentMeters.SPILLED;
import static io.adaptivememory.it.AgentMeters.mib;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.SkewedDataStreamSortJob;
import io.adaptivememory.bench.workload.SkewedHashJoinJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Memory grant feedback on a real embedded Flink with the agent jar attached, for the two kinds of
 * consumer that cannot borrow page by page: a shuffled SQL hash join whose build side has 90% of
 * its rows under one key ({@link SkewedHashJoinJob}) and a DataStream BATCH keyed reduce with the
 * same skew, whose sorted inputs are eager sorters ({@link SkewedDataStreamSortJob}). Each runs
 * once under {@code static} (Flink's own sizes: the hot subtask spills; the agent only watches,
 * and records what every consumer needed) and then twice on an adaptive TaskManager in the same
 * JVM, whose estimator has that history. There the hot consumer plans with what it needed (held
 * plus spilled, with the margin) beyond its slot's share and its cold siblings with what they
 * needed, below theirs: it spills less, every result is exact, the TaskManager's total is never
 * exceeded and the pool is empty afterwards. (Other tests in this JVM may have run jobs with the
 * same operator chains; the static run makes the history this test relies on its own.)
 */
class GrantFeedbackIT {

    static final SkewedHashJoinJob HASH_JOIN = new SkewedHashJoinJob(200_000);
    static final SkewedDataStreamSortJob DATASTREAM_SORT = new SkewedDataStreamSortJob(800_000);

    /** One run of a job on a cluster. */
    interface Job {
        Map<Long, String> run(EmbeddedCluster cluster) throws Exception;
    }

    record Run(String policy, Map<Long, String> result, AgentMeters.Snapshot before, AgentMeters.Snapshot after,
            SlotPeaks peaks) {
        double delta(String name) {
            return after.since(before, name);
        }

        /** What the run did, for the log and for every failure message (CI shows little else). */
        String summary() {
            return String.format("spilled %d MiB, hottest slot %d MiB, raised %.0f plans (+%d MiB),"
                            + " lowered %.0f plans (-%d MiB), pages denied %.0f, reclaim waits %.0f, shortfalls %.0f",
                    mib(delta(SPILLED)), mib(peaks.hottestSlotPeak()), delta(FEEDBACK_RAISED),
                    mib(delta(FEEDBACK_RAISED_BYTES)), delta(FEEDBACK_LOWERED), mib(delta(FEEDBACK_LOWERED_BYTES)),
                    delta(PAGES_DENIED), delta(RECLAIM_WAITS), delta(SHORTFALLS));
        }
    }

    @Test
    @Timeout(240)
    void skewedHashJoin_adaptiveRunsPlanWithWhatTheStaticRunNeeded_spillLessExactResults() throws Exception {
        assertFeedback("hash table", HASH_JOIN.expected(), "GrantFeedbackIT hash join",
                cluster -> HASH_JOIN.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedHashJoinJob.options()))));
    }

    @Test
    @Timeout(240)
    void skewedDataStreamSort_adaptiveRunsPlanWithWhatTheStaticRunNeeded_spillLessExactResults() throws Exception {
        assertFeedback("sorter", DATASTREAM_SORT.expected(), "GrantFeedbackIT DataStream sort",
                cluster -> DATASTREAM_SORT.run(AgentMeters.noRestart(cluster.clientConfig())));
    }

    private static void assertFeedback(String consumer, Map<Long, String> expected, String label, Job job)
            throws Exception {
        Prometheus prometheus = Prometheus.ofAgent();
        List<Run> runs = new ArrayList<>();
        runs.add(run("static", 1, prometheus, label, job).get(0));
        runs.addAll(run("adaptive", 2, prometheus, label, job));

        for (Run r : runs) {
            assertEquals(expected, r.result(), r.policy() + " result");
            assertEquals(0.0, r.delta(FAILOPEN), r.policy() + ": the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, r.delta(ACCOUNTING_ERRORS), r.policy() + ": no accounting errors");
            assertTrue(r.peaks().peakPoolReserved() <= r.peaks().poolTotal(),
                    r.policy() + ": the pool never exceeds the TaskManager's total");
            assertEquals(0.0, r.after().get(POOL_RESERVED), r.policy() + ": every page is back in the pool");
            assertEquals(0.0, r.after().get(POOL_EARMARKED), r.policy() + ": and no earmark is left");
        }
        Run fixed = runs.get(0);
        assertEquals(0.0, fixed.delta(FEEDBACK_RAISED) + fixed.delta(FEEDBACK_LOWERED), "static plans with Flink's sizes");
        assertTrue(fixed.delta(SPILLED) > 0, "the hot " + consumer + " spills with Flink's size");
        for (Run r : runs.subList(1, runs.size())) {
            String context = "; this run " + r.summary() + "; the static run " + fixed.summary();
            assertTrue(r.delta(FEEDBACK_RAISED) >= 1, "the hot " + consumer + "'s plan was raised" + context);
            assertTrue(r.delta(FEEDBACK_LOWERED) >= 1, "the cold " + consumer + "s' plans were lowered" + context);
            assertTrue(r.peaks().hottestSlotPeak() > EmbeddedCluster.SLOT_BYTES,
                    "the hot " + consumer + " held more than its slot's share" + context);
            assertTrue(r.delta(SPILLED) < fixed.delta(SPILLED) / 2, "it spilled less than half of static's" + context);
        }
    }

    /** {@code times} runs of the job on one fresh cluster under {@code policy}. */
    private static List<Run> run(String policy, int times, Prometheus prometheus, String label, Job job)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            for (int i = 1; i <= times; i++) {
                AgentMeters.Snapshot before = AgentMeters.awaitEmptyPool(prometheus);
                SlotPeaks peaks = new SlotPeaks(prometheus);
                Map<Long, String> result;
                try (peaks) {
                    result = job.run(cluster);
                }
                Run r = new Run(policy, result, before, AgentMeters.awaitEmptyPool(prometheus), peaks);
                runs.add(r);
                System.out.printf("%s, %s run %d: %s%n", label, policy, i, r.summary());
            }
        }
        return runs;
    }
}
