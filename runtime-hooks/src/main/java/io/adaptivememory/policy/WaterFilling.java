package io.adaptivememory.policy;

import java.util.Arrays;

/**
 * The exact solution of the entitlement problem between slots that want more memory.
 *
 * <p>Slot i must get at least its lower bound l<sub>i</sub> (what it holds, its floor, or its
 * guarantee when its predicted demand needs it: nothing held is ever taken back) and needs at
 * most its demand u<sub>i</sub> (the estimator's upper estimate, or the whole capacity when there
 * is none). Given capacity C the problem is
 *
 * <pre>
 *   minimise &Sigma; (u<sub>i</sub> &minus; M<sub>i</sub>)   subject to   &Sigma; M<sub>i</sub> &le; C,   l<sub>i</sub> &le; M<sub>i</sub> &le; u<sub>i</sub>
 * </pre>
 *
 * and among its solutions the max-min fair one: the sorted vector of M is lexicographically
 * largest. When the demands fit (&Sigma; u &le; C) every slot gets its demand and nothing is
 * promised beyond it (the rest stays free for whoever asks). When even the lower bounds do not fit
 * every slot keeps its lower bound (nothing is taken back; the pool's slack refuses the excess).
 * Otherwise the answer is water-filling: M<sub>i</sub> = clamp(&lambda;, l<sub>i</sub>,
 * u<sub>i</sub>) with the level &lambda; where &Sigma; clamp(&lambda;, l<sub>i</sub>,
 * u<sub>i</sub>) = C. That sum is piecewise linear and non-decreasing in &lambda;, with a kink at
 * every bound, so one sweep over the 2n sorted bounds finds &lambda; in O(n log n). Bytes are
 * integers: the remainder of the division by the slope (fewer bytes than slots at the level) goes
 * one byte each to the first slots at the level, so &Sigma; M = C exactly.
 *
 * <p>Not thread-safe; owned by one policy. No allocation once its scratch arrays have grown to the
 * number of slots.
 */
final class WaterFilling {

    private long[] clampedUpper = new long[0];
    private long[] sortedLower = new long[0];
    private long[] sortedUpper = new long[0];

    /**
     * Solves for the first {@code n} slots. {@code upper} values below {@code lower} are taken as
     * equal to it and values above {@code capacity} as {@code capacity}; the result goes to
     * {@code out}. Returns the level &lambda; ({@link Long#MAX_VALUE} when every demand fits,
     * {@link Long#MIN_VALUE} when not even the lower bounds do).
     */
    long solve(long[] lower, long[] upper, int n, long capacity, long[] out) {
        ensureCapacity(n);
        long sumLower = 0;
        long sumUpper = 0;
        for (int i = 0; i < n; i++) {
            long u = Math.max(lower[i], Math.min(upper[i], capacity));
            clampedUpper[i] = u;
            sortedLower[i] = lower[i];
            sortedUpper[i] = u;
            sumLower += lower[i];
            sumUpper += u;
        }
        if (sumLower >= capacity) {
            System.arraycopy(lower, 0, out, 0, n);
            return Long.MIN_VALUE;
        }
        if (sumUpper <= capacity) {
            System.arraycopy(clampedUpper, 0, out, 0, n);
            return Long.MAX_VALUE;
        }
        Arrays.sort(sortedLower, 0, n);
        Arrays.sort(sortedUpper, 0, n);
        long level = level(n, sumLower, capacity);
        long given = 0;
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(lower[i], Math.min(level, clampedUpper[i]));
            given += out[i];
        }
        for (int i = 0; i < n && given < capacity; i++) {
            if (out[i] == level && level < clampedUpper[i] && level >= lower[i]) {
                out[i]++;
                given++;
            }
        }
        return level;
    }

    /**
     * The greatest &lambda; with &Sigma; clamp(&lambda;, l, u) &le; C, swept over the sorted
     * bounds: between two kinks the sum grows by {@code slope} (the slots whose bounds enclose
     * &lambda;) per byte.
     */
    private long level(int n, long sumLower, long capacity) {
        long lambda = sortedLower[0];
        long sum = sumLower;
        int lowerPassed = 0;
        int upperPassed = 0;
        int slope = 0;
        while (true) {
            while (lowerPassed < n && sortedLower[lowerPassed] <= lambda) {
                lowerPassed++;
                slope++;
            }
            while (upperPassed < n && sortedUpper[upperPassed] <= lambda) {
                upperPassed++;
                slope--;
            }
            long next = Math.min(
                    lowerPassed < n ? sortedLower[lowerPassed] : Long.MAX_VALUE,
                    upperPassed < n ? sortedUpper[upperPassed] : Long.MAX_VALUE);
            // sum < capacity < sum of the upper bounds, so an upper bound is still ahead and next is finite.
            if (slope > 0 && capacity - sum <= (next - lambda) * slope) {
                return lambda + (capacity - sum) / slope;
            }
            sum += (next - lambda) * slope;
            lambda = next;
        }
    }

    private void ensureCapacity(int n) {
        if (sortedLower.length < n) {
            int size = Math.max(n, 2 * sortedLower.length);
            clampedUpper = new long[size];
            sortedLower = new long[size];
            sortedUpper = new long[size];
        }
    }
}
