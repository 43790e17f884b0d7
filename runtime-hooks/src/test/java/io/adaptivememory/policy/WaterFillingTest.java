package io.adaptivememory.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

class WaterFillingTest {

    private static final long SEED = 0xA11CE_2026L;
    private static final int INSTANCES = 20_000;

    /**
     * Every integer allocation with l &le; M &le; min(u, C) and &Sigma; M &le; C, enumerated; the
     * answer minimises waste (maximises &Sigma; M) and, among those, has the lexicographically
     * largest sorted vector (max-min fairness). Returns the sorted optimum, or the lower bounds
     * when they alone exceed the capacity (nothing can be taken back).
     */
    private static long[] bruteForce(long[] lower, long[] upper, int n, long capacity) {
        long sumLower = 0;
        for (int i = 0; i < n; i++) {
            sumLower += lower[i];
        }
        if (sumLower >= capacity) {
            long[] sorted = Arrays.copyOf(lower, n);
            Arrays.sort(sorted);
            return sorted;
        }
        long[] best = null;
        long bestSum = -1;
        long[] m = new long[n];
        long[] high = new long[n];
        for (int i = 0; i < n; i++) {
            high[i] = Math.max(lower[i], Math.min(upper[i], capacity));
        }
        System.arraycopy(lower, 0, m, 0, n);
        while (true) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += m[i];
            }
            if (sum <= capacity) {
                long[] sorted = m.clone();
                Arrays.sort(sorted);
                if (sum > bestSum || sum == bestSum && Arrays.compare(sorted, best) > 0) {
                    best = sorted;
                    bestSum = sum;
                }
            }
            int i = 0;
            while (i < n && m[i] == high[i]) {
                m[i] = lower[i];
                i++;
            }
            if (i == n) {
                return best;
            }
            m[i]++;
        }
    }

    @Test
    void solve_randomSmallInstances_matchesBruteForce() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        WaterFilling solver = new WaterFilling();
        for (int k = 0; k < INSTANCES; k++) {
            int n = 1 + rnd.nextInt(4);
            // Arrays longer than n hold stale entries of the policy's reused arrays: they must be ignored.
            long[] lower = new long[n + rnd.nextInt(3)];
            long[] upper = new long[lower.length];
            for (int i = 0; i < lower.length; i++) {
                lower[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(9);
                // Some demands below their lower bound (a slot holding more than predicted), some unbounded.
                upper[i] = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : rnd.nextInt(13);
            }
            long capacity = rnd.nextInt(30) - 3;
            long[] out = new long[lower.length];
            String instance = "lower " + Arrays.toString(Arrays.copyOf(lower, n)) + ", upper "
                    + Arrays.toString(Arrays.copyOf(upper, n)) + ", capacity " + capacity;

            solver.solve(lower, upper, n, capacity, out);

            long sum = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(out[i] >= lower[i], "below its lower bound: " + instance);
                assertTrue(out[i] <= Math.max(lower[i], Math.min(upper[i], Math.max(capacity, 0))),
                        "above its demand: " + instance);
                sum += out[i];
            }
            long[] sorted = Arrays.copyOf(out, n);
            Arrays.sort(sorted);
            assertArrayEquals(bruteForce(lower, upper, n, capacity), sorted, instance);
            long sumLower = Arrays.stream(lower, 0, n).sum();
            assertTrue(sum <= Math.max(capacity, sumLower), "over capacity: " + instance);
        }
    }

    @Test
    void solve_demandsFit_everySlotGetsItsDemandAndNoMore() {
        long[] out = new long[3];
        long level = new WaterFilling().solve(new long[] {1, 2, 3}, new long[] {5, 6, 7}, 3, 100, out);

        assertArrayEquals(new long[] {5, 6, 7}, out);
        assertEquals(Long.MAX_VALUE, level);
    }

    @Test
    void solve_unboundedDemands_isEqualShareAboveWhatIsHeld() {
        long[] out = new long[2];
        long level = new WaterFilling().solve(new long[] {10, 20}, new long[] {Long.MAX_VALUE, Long.MAX_VALUE}, 2, 100,
                out);

        assertArrayEquals(new long[] {50, 50}, out);
        assertEquals(50, level);
    }

    @Test
    void solve_smallDemand_leavesItsWaterShareToTheOthers() {
        long[] out = new long[3];
        new WaterFilling().solve(new long[] {0, 0, 0}, new long[] {10, Long.MAX_VALUE, Long.MAX_VALUE}, 3, 100, out);

        assertArrayEquals(new long[] {10, 45, 45}, out);
    }

    @Test
    void solve_lowerBoundsExceedCapacity_keepsEveryLowerBound() {
        long[] out = new long[2];
        long level = new WaterFilling().solve(new long[] {70, 60}, new long[] {80, 90}, 2, 100, out);

        assertArrayEquals(new long[] {70, 60}, out);
        assertEquals(Long.MIN_VALUE, level);
    }

    @Test
    void solve_remainderBytes_goToSlotsAtTheLevelSoTheWholeCapacityIsGiven() {
        long[] out = new long[3];
        new WaterFilling().solve(new long[] {0, 0, 0}, new long[] {100, 100, 100}, 3, 100, out);

        assertEquals(100, Arrays.stream(out).sum());
        assertArrayEquals(new long[] {34, 33, 33}, out);
    }

    @Test
    void solve_bytesOfARealPool_noOverflow() {
        long mib = 1L << 20;
        long[] out = new long[2];
        new WaterFilling().solve(new long[] {80 * mib, 16 * mib}, new long[] {Long.MAX_VALUE, 300 * mib}, 2,
                1L << 40, out);

        assertArrayEquals(new long[] {(1L << 40) - 300 * mib, 300 * mib}, out);
    }
}
