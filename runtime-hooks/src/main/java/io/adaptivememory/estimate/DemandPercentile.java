package io.adaptivememory.estimate;

import java.util.Arrays;

/**
 * A high percentile of a key's last few demands: the estimate for consumers whose demand no linear
 * model explains, in the manner of SQL Server's memory grant feedback (the next grant follows what
 * recent executions of the same plan actually used).
 *
 * <p>A ring keeps the last {@code capacity} demands (default 16). After each {@link #add} the
 * nearest-rank percentile {@code p} (default 0.95) of the ring's {@code n} values is recomputed:
 * <pre>
 *   percentile = sorted[ceil(p * n) - 1]
 * </pre>
 * on a copy sorted in a preallocated scratch array, so nothing is allocated. Before storing a
 * demand, the percentile as it was is scored as a prediction of it: {@link #rmsErrorBytes()} is the
 * forgetting-weighted root mean square of {@code percentile - demand} ({@link DecayingMeanSquare}),
 * the same a-priori error {@link RecursiveLeastSquares#sigma()} measures, so the two can be compared.
 *
 * <p>Not thread-safe: one writer; readers need the writer's synchronisation.
 */
public final class DemandPercentile {

    public static final int DEFAULT_CAPACITY = 16;
    public static final double DEFAULT_PERCENTILE = 0.95;
    /**
     * {@code p * n} in binary floating point can land a hair above an integer (0.07 * 100 =
     * 7.000000000000001), which {@code ceil} would turn into the next rank.
     */
    private static final double RANK_TOLERANCE = 1e-9;

    private final long[] ring;
    private final long[] scratch;
    private final double percentile;
    private final DecayingMeanSquare errors;
    private int size;
    private int next;
    private long percentileBytes;

    public DemandPercentile() {
        this(DEFAULT_CAPACITY, DEFAULT_PERCENTILE, RecursiveLeastSquares.DEFAULT_ERROR_FORGETTING);
    }

    /** {@code errorForgetting} weighs the a-priori errors, as in {@link RecursiveLeastSquares}. */
    public DemandPercentile(int capacity, double percentile, double errorForgetting) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (!(percentile > 0 && percentile <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], got " + percentile);
        }
        RecursiveLeastSquares.checkForgetting("error forgetting", errorForgetting);
        this.ring = new long[capacity];
        this.scratch = new long[capacity];
        this.percentile = percentile;
        this.errors = new DecayingMeanSquare(errorForgetting);
        clear();
    }

    /** Scores the current percentile against {@code demandBytes}, then stores it. */
    public void add(long demandBytes) {
        if (size > 0) {
            errors.add((double) percentileBytes - demandBytes);
        }
        ring[next] = demandBytes;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        System.arraycopy(ring, 0, scratch, 0, size);
        percentileBytes = nearestRank(scratch, size, percentile);
    }

    /**
     * The nearest-rank {@code percentile} of {@code values[0..n)} (n &gt; 0), sorting them in place;
     * allocates nothing. The offline baselines use the same rank as the agent.
     */
    public static long nearestRank(long[] values, int n, double percentile) {
        Arrays.sort(values, 0, n);
        int rank = (int) Math.ceil(percentile * n - RANK_TOLERANCE);
        return values[Math.max(1, rank) - 1];
    }

    /** The percentile of the stored demands; -1 when there are none. */
    public long percentileBytes() {
        return percentileBytes;
    }

    /** Root mean square error of the percentile as a prediction of the next demand; 0 before one. */
    public double rmsErrorBytes() {
        return errors.rms();
    }

    /** How many demands the ring holds (at most its capacity). */
    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
        next = 0;
        percentileBytes = -1;
        errors.clear();
    }
}
