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
import io.adaptivememory.bench.workload.SkewedHashJoinJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Memory grant feedback on a real embedded Flink with the agent jar attached: a shuffled SQL hash
 * join whose build side has 90% of its rows under one key ({@link SkewedHashJoinJob}) runs once
 * under {@code static} (Flink's own sizes: the hot subtask's table spills; the agent only watches,
 * and records what every table needed) and then twice on an adaptive TaskManager in the same JVM,
 * whose estimator has that history. There the hot table plans with what it needed (held plus
 * spilled, with the margin) beyond its slot's share and its cold siblings' tables with what they
 * needed, below theirs: it spills less, every result is exact, and the pool is empty afterwards.
 * (Other tests in this JVM may have run jobs with the same operator chains; the static run makes
 * the history this test relies on its own.)
 */
class GrantFeedbackIT {

    static final SkewedHashJoinJob JOB = new SkewedHashJoinJob(200_000);

    record Run(String policy, Map<Long, String> result, AgentMeters.Snapshot before, AgentMeters.Snapshot after,
            long hottestSlotPeak) {
        double delta(String name) {
            return after.since(before, name);
        }
    }

    @Test
    @Timeout(240)
    void skewedHashJoin_adaptiveRunsPlanWithWhatTheStaticRunNeeded_spillLessExactResults() throws Exception {
        Map<Long, String> expected = JOB.expected();
        Prometheus prometheus = Prometheus.ofAgent();
        List<Run> runs = new ArrayList<>();
        runs.add(run("static", 1, prometheus).get(0));
        runs.addAll(run("adaptive", 2, prometheus));

        for (Run r : runs) {
            assertEquals(expected, r.result(), r.policy() + " result");
            assertEquals(0.0, r.delta(FAILOPEN), r.policy() + ": the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, r.delta(ACCOUNTING_ERRORS), r.policy() + ": no accounting errors");
            assertEquals(0.0, r.after().get(POOL_RESERVED), r.policy() + ": every page is back in the pool");
            assertEquals(0.0, r.after().get(POOL_EARMARKED), r.policy() + ": and no earmark is left");
        }
        Run fixed = runs.get(0);
        assertEquals(0.0, fixed.delta(FEEDBACK_RAISED) + fixed.delta(FEEDBACK_LOWERED), "static plans with Flink's sizes");
        assertTrue(fixed.delta(SPILLED) > 0, "the hot hash table spills with Flink's size");
        for (Run r : runs.subList(1, runs.size())) {
            assertTrue(r.delta(FEEDBACK_RAISED) >= 1, "the hot hash table's plan was raised");
            assertTrue(r.delta(FEEDBACK_LOWERED) >= 1, "the cold hash tables' plans were lowered");
            assertTrue(r.hottestSlotPeak() > EmbeddedCluster.SLOT_BYTES,
                    "the hot table held more than its slot's share: " + mib(r.hottestSlotPeak()) + " MiB");
            assertTrue(r.delta(SPILLED) < fixed.delta(SPILLED) / 2,
                    "spilled " + mib(r.delta(SPILLED)) + " MiB against static's " + mib(fixed.delta(SPILLED)) + " MiB");
        }
    }

    /** {@code times} runs of the job on one fresh cluster under {@code policy}. */
    private static List<Run> run(String policy, int times, Prometheus prometheus) throws Exception {
        List<Run> runs = new ArrayList<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            for (int i = 1; i <= times; i++) {
                AgentMeters.Snapshot before = AgentMeters.awaitEmptyPool(prometheus);
                SlotPeaks peaks = new SlotPeaks(prometheus);
                Map<Long, String> result;
                try (peaks) {
                    result = JOB.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedHashJoinJob.options())));
                }
                Run r = new Run(policy, result, before, AgentMeters.awaitEmptyPool(prometheus), peaks.hottestSlotPeak());
                runs.add(r);
                System.out.printf("GrantFeedbackIT %s run %d: spilled %d MiB, hottest slot %d MiB, raised %.0f plans (+%d MiB),"
                                + " lowered %.0f plans (-%d MiB), pages denied %.0f, reclaim waits %.0f, shortfalls %.0f%n",
                        policy, i, mib(r.delta(SPILLED)), mib(r.hottestSlotPeak()), r.delta(FEEDBACK_RAISED),
                        mib(r.delta(FEEDBACK_RAISED_BYTES)), r.delta(FEEDBACK_LOWERED), mib(r.delta(FEEDBACK_LOWERED_BYTES)),
                        r.delta(PAGES_DENIED), r.delta(RECLAIM_WAITS), r.delta(SHORTFALLS));
            }
        }
        return runs;
    }
}
