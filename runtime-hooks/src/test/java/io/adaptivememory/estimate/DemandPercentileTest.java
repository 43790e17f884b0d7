package io.adaptivememory.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DemandPercentileTest {

    private static DemandPercentile filled(int capacity, double percentile, long... demands) {
        DemandPercentile ring = new DemandPercentile(capacity, percentile, 1.0);
        for (long d : demands) {
            ring.add(d);
        }
        return ring;
    }

    @Test
    void percentile_empty_isMinusOne() {
        DemandPercentile ring = new DemandPercentile();
        assertEquals(-1, ring.percentileBytes());
        assertEquals(0, ring.size());
        assertEquals(0.0, ring.rmsErrorBytes());
    }

    @Test
    void percentile_sixteenShuffledValues_isTheNearestRank() {
        long[] shuffled = {9, 2, 16, 5, 11, 1, 14, 7, 3, 12, 8, 15, 4, 10, 6, 13};
        // ceil(0.95 * 16) = 16, ceil(0.5 * 16) = 8, ceil(0.9 * 16) = 15, ceil(0.01 * 16) = 1.
        assertEquals(16, filled(16, 0.95, shuffled).percentileBytes());
        assertEquals(8, filled(16, 0.5, shuffled).percentileBytes());
        assertEquals(15, filled(16, 0.9, shuffled).percentileBytes());
        assertEquals(1, filled(16, 0.01, shuffled).percentileBytes());
    }

    @Test
    void percentile_ringOverwritten_usesOnlyTheLastValues() {
        DemandPercentile ring = filled(4, 0.5, 100, 1, 2, 3, 4, 5, 6);
        assertEquals(4, ring.size());
        // Holds 3, 4, 5, 6: rank ceil(0.5 * 4) = 2.
        assertEquals(4, ring.percentileBytes());
        assertEquals(6, filled(4, 0.95, 100, 1, 2, 3, 4, 5, 6).percentileBytes());
    }

    @Test
    void percentile_productJustAboveAnInteger_keepsTheExactRank() {
        long[] values = new long[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 - i;
        }
        // 0.07 * 100 is 7.000000000000001 in binary floating point; the nearest rank is 7.
        assertEquals(7, filled(100, 0.07, values).percentileBytes());
    }

    @Test
    void rmsError_eachDemandScoredAgainstThePercentileBefore() {
        // Maximum of the ring: 10 predicts nothing, then 10 vs 20 (error -10), then 20 vs 5 (15).
        DemandPercentile ring = filled(4, 1.0, 10, 20, 5);
        assertEquals(20, ring.percentileBytes());
        assertEquals(Math.sqrt((100.0 + 225.0) / 2), ring.rmsErrorBytes(), 1e-12);
    }

    @Test
    void clear_afterValues_forgetsValuesAndErrors() {
        DemandPercentile ring = filled(4, 1.0, 10, 20);
        ring.clear();
        assertEquals(-1, ring.percentileBytes());
        assertEquals(0, ring.size());
        assertEquals(0.0, ring.rmsErrorBytes());
    }

    @Test
    void add_afterWarmUp_allocatesNothing() {
        DemandPercentile ring = new DemandPercentile();
        long[] sink = new long[1];
        long allocated = Allocations.afterWarmUp(() -> {
            for (int n = 0; n < 10_000; n++) {
                ring.add((n * 7919L) % 1000);
                sink[0] += ring.percentileBytes();
            }
        });
        assertEquals(0, allocated);
    }

    @Test
    void constructor_outOfRange_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new DemandPercentile(0, 0.95, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new DemandPercentile(16, 0.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new DemandPercentile(16, 1.5, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new DemandPercentile(16, 0.95, 0.0));
    }
}
