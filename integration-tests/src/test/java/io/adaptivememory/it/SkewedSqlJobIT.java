package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.EmbeddedCluster;
import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.workload.SkewedSqlJob;
import io.adaptivememory.bench.workload.SkewedRun;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The product's main claim on a real embedded Flink with the real agent jar attached. */
class SkewedSqlJobIT {

    static final long ROWS = 1_500_000;
    static Map<Long, String> expected;

    @BeforeAll
    static void computeExpected() {
        expected = new SkewedSqlJob(ROWS).expected();
    }

    /** A fresh embedded cluster whose TaskManager (this JVM's agent) runs the policy. */
    static SkewedRun.Outcome run(String policy, Prometheus prometheus) throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            return SkewedRun.run(policy, cluster, prometheus, ROWS);
        }
    }

    @Test
    void adaptive_skewedSortAggregation_sameResultHotSlotBorrowsAndSpillsLess() throws Exception {
        Prometheus prometheus = Prometheus.ofAgent();
        SkewedRun.Outcome fixed = run("static", prometheus);
        SkewedRun.Outcome adaptive = run("adaptive", prometheus);
        for (SkewedRun.Outcome o : new SkewedRun.Outcome[] {fixed, adaptive}) {
            System.out.printf("%s: %d ms, spilled %d bytes, slot peaks %s, pool peak %d%n",
                    o.policy(), o.wallMillis(), o.spilledBytes(), o.slotPeakBytes(), o.poolPeakBytes());
        }

        assertEquals(expected, fixed.result(), "static result");
        assertEquals(expected, adaptive.result(), "adaptive result");

        assertTrue(fixed.hottestSlotPeak() <= EmbeddedCluster.SLOT_BYTES,
                "static never exceeds the slot share: " + fixed.slotPeakBytes());
        assertTrue(fixed.spilledBytes() > 0, "the skewed job spills under static sharing");
        assertTrue(adaptive.hottestSlotPeak() > EmbeddedCluster.SLOT_BYTES,
                "hot slot borrows: " + adaptive.slotPeakBytes());
        assertTrue(adaptive.poolPeakBytes() <= EmbeddedCluster.MANAGED_BYTES,
                "pool never exceeds the TaskManager total");
        assertTrue(adaptive.spilledBytes() < fixed.spilledBytes() / 2,
                "adaptive spills less: " + adaptive.spilledBytes() + " vs " + fixed.spilledBytes());
        assertEquals(0.0, adaptive.poolReservedAfter(), "every byte is back in the pool after the job");
    }
}
