package io.adaptivememory.learn;

import io.adaptivememory.estimate.DemandPercentile;

/**
 * What one consumer key (vertex, kind, subtask) did in earlier runs, newest first: an immutable
 * list that every later row of the key shares, so the data set holds one node per key and run.
 *
 * <p>The baselines read at most {@link #MAX_RUNS} runs back. The EWMA runs forward from the oldest
 * of them: {@code e = v_oldest; e = alpha * v + (1 - alpha) * e} for each newer run. The
 * percentile is nearest-rank: the {@code ceil(p * K)}-th smallest of the K values.
 *
 * @param demandBytes the key's demand in that run (its last record there)
 * @param inputBytes the key's input bytes in that run (-1 when not measured)
 * @param runs how many runs this list holds, this one included
 * @param older the run before, or null
 */
public record PreviousRuns(long demandBytes, long inputBytes, int runs, PreviousRuns older) {

    public static final int MAX_RUNS = 64;

    /** This list with one newer run in front. */
    public static PreviousRuns push(PreviousRuns list, long demandBytes, long inputBytes) {
        return new PreviousRuns(demandBytes, inputBytes, list == null ? 1 : list.runs + 1, list);
    }

    /** The exponentially weighted moving average of the demands, in bytes. */
    public double ewmaBytes(double alpha) {
        double sum = 0;
        double weight = 1;
        PreviousRuns run = this;
        for (int k = 1; k <= MAX_RUNS; k++) {
            boolean oldest = run.older == null || k == MAX_RUNS;
            // the oldest value starts the average, so it keeps all the weight left
            sum += (oldest ? weight : weight * alpha) * run.demandBytes;
            if (oldest) {
                break;
            }
            weight *= 1 - alpha;
            run = run.older;
        }
        return sum;
    }

    /** The nearest-rank {@code p}-quantile of the demands, in bytes (0 < p <= 1). */
    public long percentileBytes(double p) {
        int k = Math.min(runs, MAX_RUNS);
        long[] values = new long[k];
        PreviousRuns run = this;
        for (int i = 0; i < k; i++, run = run.older) {
            values[i] = run.demandBytes;
        }
        return DemandPercentile.nearestRank(values, k, p);
    }
}
