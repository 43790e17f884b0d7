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
 * join whose build side has 90% of its rows under one key ({@link SkewedHashJoinJob}) runs three
 * times on one adaptive TaskManager. The first run has no history of its vertices here, so every
 * hash table plans with Flink's size (no feedback) and the hot subtask's table spills, as without
 * the agent. From the second run on, the hot table plans with what it needed (held plus spilled,
 * with the margin) beyond its slot's share, and its cold siblings' tables with what they needed,
 * below theirs: it spills less, every result is exact, and
 * the pool is empty afterwards.
 */
class GrantFeedbackIT {

    static final SkewedHashJoinJob JOB = new SkewedHashJoinJob(200_000);

    record Run(Map<Long, String> result, AgentMeters.Snapshot before, AgentMeters.Snapshot after, long hottestSlotPeak) {
        double delta(String name) {
            return after.since(before, name);
        }
    }

    @Test
    @Timeout(240)
    void skewedHashJoin_laterRunsPlanWithWhatEarlierRunsNeeded_spillLessExactResults() throws Exception {
        Map<Long, String> expected = JOB.expected();
        Prometheus prometheus = Prometheus.ofAgent();
        List<Run> runs = new ArrayList<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start("adaptive")) {
            for (int i = 1; i <= 3; i++) {
                AgentMeters.Snapshot before = AgentMeters.awaitEmptyPool(prometheus);
                SlotPeaks peaks = new SlotPeaks(prometheus);
                Map<Long, String> result;
                try (peaks) {
                    result = JOB.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedHashJoinJob.options())));
                }
                Run r = new Run(result, before, AgentMeters.awaitEmptyPool(prometheus), peaks.hottestSlotPeak());
                runs.add(r);
                System.out.printf("GrantFeedbackIT run %d: spilled %d MiB, hottest slot %d MiB, raised %.0f plans (+%d MiB),"
                                + " lowered %.0f plans (-%d MiB), pages denied %.0f%n",
                        i, mib(r.delta(SPILLED)), mib(r.hottestSlotPeak()), r.delta(FEEDBACK_RAISED),
                        mib(r.delta(FEEDBACK_RAISED_BYTES)), r.delta(FEEDBACK_LOWERED), mib(r.delta(FEEDBACK_LOWERED_BYTES)),
                        r.delta(PAGES_DENIED));
            }
        }

        Run first = runs.get(0);
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            assertEquals(expected, r.result(), "run " + (i + 1) + " result");
            assertEquals(0.0, r.delta(FAILOPEN), "run " + (i + 1) + ": the agent never fell back to Flink's own behaviour");
            assertEquals(0.0, r.delta(ACCOUNTING_ERRORS), "run " + (i + 1) + ": no accounting errors");
            assertEquals(0.0, r.after().get(POOL_RESERVED), "run " + (i + 1) + ": every page is back in the pool");
            assertEquals(0.0, r.after().get(POOL_EARMARKED), "run " + (i + 1) + ": and no earmark is left");
        }
        assertEquals(0.0, first.delta(FEEDBACK_RAISED) + first.delta(FEEDBACK_LOWERED),
                "the first run's hash tables have no history here and plan with Flink's sizes");
        assertTrue(first.delta(SPILLED) > 0, "the hot hash table spills with Flink's size");
        for (Run r : runs.subList(1, runs.size())) {
            assertTrue(r.delta(FEEDBACK_RAISED) >= 1, "the hot hash table's plan was raised");
            assertTrue(r.delta(FEEDBACK_LOWERED) >= 1, "the cold hash tables' plans were lowered");
            assertTrue(r.hottestSlotPeak() > EmbeddedCluster.SLOT_BYTES,
                    "the hot table held more than its slot's share: " + mib(r.hottestSlotPeak()) + " MiB");
            assertTrue(r.delta(SPILLED) < first.delta(SPILLED) / 2,
                    "spilled " + mib(r.delta(SPILLED)) + " MiB against the first run's " + mib(first.delta(SPILLED)) + " MiB");
        }
    }
}
