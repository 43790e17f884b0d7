package io.adaptivememory.estimate;

import java.util.Arrays;

/**
 * What the estimator learned for one key: its {@link RecursiveLeastSquares} model, its
 * {@link DemandPercentile} ring and, for a (vertex, kind) key, each subtask's previous run.
 * Preallocated once and reused when its key is evicted.
 *
 * <p>Written by the estimator's single observer inside {@link SequenceLock} write sections; read by
 * any number of estimating threads without locks or allocation. A reader gives up after
 * {@link #MAX_READ_ATTEMPTS} inconsistent reads (then it has no estimate), so no task thread can
 * spin for long on a key that is being written.
 */
final class DemandState {

    static final int MAX_READ_ATTEMPTS = 64;
    private static final double MIB = 1024.0 * 1024.0;

    private final SequenceLock lock = new SequenceLock();
    private final RecursiveLeastSquares model;
    private final DemandPercentile recent;
    /** Indexed by subtask; -1 where that subtask has not been seen. */
    private final long[] previousInputBytes;
    private final long[] previousDemandBytes;
    /** The run before the previous one, for grant feedback; -1 where there was none. */
    private final long[] earlierDemandBytes;
    /** The parallelism of the subtask's previous run; 0 where it has not been seen. */
    private final int[] previousParallelism;
    private long key;
    private boolean occupied;
    private long observations;
    /** The observer's clock at this key's last observation; only the observer reads it. */
    private long lastObservedTick;

    DemandState(RecursiveLeastSquares model, DemandPercentile recent, int maxSubtasks) {
        this.model = model;
        this.recent = recent;
        this.previousInputBytes = new long[maxSubtasks];
        this.previousDemandBytes = new long[maxSubtasks];
        this.earlierDemandBytes = new long[maxSubtasks];
        this.previousParallelism = new int[maxSubtasks];
        Arrays.fill(previousInputBytes, -1);
        Arrays.fill(previousDemandBytes, -1);
        Arrays.fill(earlierDemandBytes, -1);
    }

    // ------------------------------------------------------------------------
    //  Readers (any thread)
    // ------------------------------------------------------------------------

    /** A hint for probing, read without the lock; {@link #predict} checks it again consistently. */
    boolean holds(long key) {
        return occupied && this.key == key;
    }

    /**
     * Fills {@code x} with {@link Features#fill}, using {@code subtask}'s previous run when this
     * state holds {@code key} and has seen that subtask, and no history otherwise.
     */
    void fillFeatures(long key, int subtask, int parallelism, long requestedBytes, double[] x) {
        boolean tracked = subtask >= 0 && subtask < previousDemandBytes.length;
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
            long stamp = lock.beginRead();
            boolean mine = occupied && this.key == key;
            long input = tracked ? previousInputBytes[subtask] : -1;
            long demand = tracked ? previousDemandBytes[subtask] : -1;
            if (lock.validate(stamp)) {
                Features.fill(x, parallelism, requestedBytes, mine ? input : -1, mine ? demand : -1);
                return;
            }
        }
        Features.fill(x, parallelism, requestedBytes, -1, -1);
    }

    /**
     * Fills {@code out} from this state's model and ring for the features {@code x}, if this state
     * holds {@code key} and has at least {@code minObservations}; returns whether it did. Of the two
     * predictors, the one with the smaller a-priori root mean square error wins (the percentile on
     * a tie, as the conservative one), and that error is the uncertainty.
     */
    boolean predict(long key, double[] x, long minObservations, Estimate.Source source, double zScore,
            Estimate out) {
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
            long stamp = lock.beginRead();
            boolean mine = occupied && this.key == key;
            long seen = observations;
            double modelMiB = model.predict(x);
            double modelErrorBytes = model.sigma() * MIB;
            long percentileBytes = recent.percentileBytes();
            double percentileErrorBytes = recent.rmsErrorBytes();
            if (!lock.validate(stamp)) {
                continue;
            }
            if (!mine || seen < minObservations) {
                return false;
            }
            if (modelErrorBytes < percentileErrorBytes) {
                out.set(source, Features.bytes(modelMiB), (long) Math.ceil(modelErrorBytes), zScore);
            } else {
                out.set(source, percentileBytes, (long) Math.ceil(percentileErrorBytes), zScore);
            }
            return true;
        }
        return false;
    }

    /**
     * The larger of {@code subtask}'s last two demands at {@code parallelism} (its only one after
     * one run), or -1 when this state does not hold {@code key} or has not seen that subtask at that
     * parallelism (subtask i of another parallelism reads another part of the data).
     */
    long recentDemandBytes(long key, int subtask, int parallelism) {
        if (subtask < 0 || subtask >= previousDemandBytes.length) {
            return -1;
        }
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
            long stamp = lock.beginRead();
            boolean mine = occupied && this.key == key && previousParallelism[subtask] == parallelism;
            long last = previousDemandBytes[subtask];
            long before = earlierDemandBytes[subtask];
            if (lock.validate(stamp)) {
                return mine ? Math.max(last, before) : -1;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------
    //  Writer (the observer only)
    // ------------------------------------------------------------------------

    boolean occupied() {
        return occupied;
    }

    long lastObservedTick() {
        return lastObservedTick;
    }

    /** Forgets everything and starts over for {@code key}. */
    void claim(long key, long tick) {
        lock.beginWrite();
        try {
            model.clear();
            recent.clear();
            Arrays.fill(previousInputBytes, -1);
            Arrays.fill(previousDemandBytes, -1);
            Arrays.fill(earlierDemandBytes, -1);
            Arrays.fill(previousParallelism, 0);
            observations = 0;
            this.key = key;
            occupied = true;
            lastObservedTick = tick;
        } finally {
            lock.endWrite();
        }
    }

    /**
     * Learns one ended consumer: {@code x} are its features from the previous run (filled before
     * this call), the rest becomes the subtask's previous run. Returns whether the model's
     * covariance was reset.
     */
    boolean record(double[] x, int subtask, int parallelism, long inputBytes, long demandBytes, long tick) {
        lock.beginWrite();
        try {
            boolean reset = model.update(x, demandBytes / MIB);
            recent.add(demandBytes);
            if (subtask >= 0 && subtask < previousDemandBytes.length) {
                earlierDemandBytes[subtask] = previousParallelism[subtask] == parallelism ? previousDemandBytes[subtask] : -1;
                previousInputBytes[subtask] = inputBytes;
                previousDemandBytes[subtask] = demandBytes;
                previousParallelism[subtask] = parallelism;
            }
            observations++;
            lastObservedTick = tick;
            return reset;
        } finally {
            lock.endWrite();
        }
    }
}
