package io.adaptivememory.estimate;

/**
 * The mean of a predictor's squared errors with exponential forgetting; its root is the
 * predictor's uncertainty.
 *
 * <p>After errors {@code e_1..e_n}, with forgetting factor {@code lambda} in (0, 1]:
 * <pre>
 *   S_n = lambda * S_(n-1) + e_n^2        W_n = lambda * W_(n-1) + 1        mean_n = S_n / W_n
 * </pre>
 * that is, the mean of {@code e_i^2} weighted by {@code lambda^(n-i)}: an exponentially weighted
 * moving average that, unlike one started at 0, is unbiased from the first error on. Both of a
 * key's predictors use the same {@code lambda}, so their errors are compared over the same horizon. Non-finite errors are ignored. Not
 * thread-safe: its owner serialises writes and reads.
 */
final class DecayingMeanSquare {

    private final double forgetting;
    private double weightedSquares;
    private double weight;

    DecayingMeanSquare(double forgetting) {
        this.forgetting = forgetting;
    }

    void add(double error) {
        if (!Double.isFinite(error)) {
            return;
        }
        weightedSquares = forgetting * weightedSquares + error * error;
        weight = forgetting * weight + 1.0;
    }

    /** Root of the weighted mean square; 0 before the first error. */
    double rms() {
        return weight == 0 ? 0.0 : Math.sqrt(weightedSquares / weight);
    }

    /** Whether any error was added since construction or {@link #clear()}. */
    boolean isEmpty() {
        return weight == 0;
    }

    void clear() {
        weightedSquares = 0;
        weight = 0;
    }
}
