package io.adaptivememory.it;

import io.adaptivememory.bench.workload.EmbeddedCluster;
import io.adaptivememory.bench.workload.Prometheus;
import io.adaptivememory.bench.workload.SkewedSqlJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
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

    record Outcome(Map<Long, String> result, long spilledBytes, SlotPeaks peaks, double poolReservedAfter) {}

    static Outcome run(String policy) throws Exception {
        Prometheus prometheus = Prometheus.ofAgent();
        double spilledBefore = Prometheus.valueOrZero(prometheus.scrape(), "adaptive_memory_spilled_bytes_total");
        try (EmbeddedCluster cluster = EmbeddedCluster.start(policy)) {
            SlotPeaks peaks = new SlotPeaks(prometheus);
            Map<Long, String> result;
            try (peaks) {
                result = new SkewedSqlJob(ROWS).run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
            }
            List<Prometheus.Sample> after = prometheus.scrape();
            double spilled = Prometheus.valueOrZero(after, "adaptive_memory_spilled_bytes_total") - spilledBefore;
            double reservedAfter = Prometheus.valueOrZero(after, "adaptive_memory_pool_reserved_bytes");
            System.out.printf("%s: spilled %d bytes, slot peaks %s, pool peak %d%n",
                    policy, (long) spilled, peaks.peakReservedBySlot(), peaks.peakPoolReserved());
            return new Outcome(result, (long) spilled, peaks, reservedAfter);
        }
    }

    @Test
    void adaptive_skewedSortAggregation_sameResultHotSlotBorrowsAndSpillsLess() throws Exception {
        Outcome fixed = run("static");
        Outcome adaptive = run("adaptive");

        assertEquals(expected, fixed.result(), "static result");
        assertEquals(expected, adaptive.result(), "adaptive result");

        assertTrue(fixed.peaks().hottestSlotPeak() <= EmbeddedCluster.SLOT_BYTES,
                "static never exceeds the slot share: " + fixed.peaks().peakReservedBySlot());
        assertTrue(fixed.spilledBytes() > 0, "the skewed job spills under static sharing");
        assertTrue(adaptive.peaks().hottestSlotPeak() > EmbeddedCluster.SLOT_BYTES,
                "hot slot borrows: " + adaptive.peaks().peakReservedBySlot());
        assertTrue(adaptive.peaks().peakPoolReserved() <= EmbeddedCluster.MANAGED_BYTES,
                "pool never exceeds the TaskManager total");
        assertTrue(adaptive.spilledBytes() < fixed.spilledBytes() / 2,
                "adaptive spills less: " + adaptive.spilledBytes() + " vs " + fixed.spilledBytes());
        assertEquals(0.0, adaptive.poolReservedAfter(), "every byte is back in the pool after the job");
    }
}
