package io.adaptivememory.estimate;

import java.util.Arrays;

/**
 * Exponentially weighted recursive least squares over the {@link Features} vector: the source
 * document's linear demand model {@code R = a*DataRate + b*OperatorComplexity + c*Parallelism},
 * fitted online, one observation at a time, in constant time and memory.
 *
 * <p>With {@code x} the feature vector (bias, previous input, requested, 1/parallelism, previous
 * demand, has-previous; all in MiB or unitless) and {@code y} the observed demand in MiB, the model
 * is {@code y ~ w.x}, so {@code w} holds the document's {@code a, b, c} plus an intercept and the
 * weight of the previous run's demand. After each observation {@code w} minimises
 * <pre>
 *   sum_i lambda^(n-i) (y_i - w.x_i)^2  +  lambda^n |w|^2 / delta
 * </pre>
 * which RLS maintains without storing the samples, through {@code P}, the inverse of the weighted
 * Gram matrix ({@code delta * I} before any sample):
 * <pre>
 *   e = y - w.x                         a-priori residual (the error of the model as it was)
 *   k = P x / (lambda + x'P x)          gain
 *   w = w + k e
 *   P = (P - k x'P) / lambda
 * </pre>
 * The forgetting factor {@code lambda} (default 0.98, a memory of about {@code 1/(1-lambda)} = 50
 * observations) lets the model follow a workload that changes. {@code P} is updated on its upper
 * triangle and mirrored, so it stays exactly symmetric.
 *
 * <p><b>Bounded covariance.</b> Directions of {@code x} that the data never excite (a vertex's
 * parallelism is constant, so its {@code 1/parallelism} is collinear with the bias) are divided by
 * {@code lambda} at every step and grow without bound ("wind-up"); rounding can also break positive
 * definiteness. When after an update the trace of {@code P} exceeds the limit, a diagonal entry is
 * not positive, or any value is not finite, {@code P} is reset to {@code delta * I} (and {@code w}
 * to 0 if it is not finite), and the reset is counted. Resetting {@code P} alone keeps what the
 * model learned; it only forgets how sure it was.
 *
 * <p><b>Uncertainty.</b> {@link #sigma()} is the root of the forgetting-weighted mean of the squared
 * a-priori residuals ({@link DecayingMeanSquare}, with its own, shorter memory: default 0.9): the
 * error the model made on samples it had not seen yet, in the target's unit.
 *
 * <p>{@link #update} and {@link #predict} allocate nothing. Not thread-safe: one writer; readers
 * need the writer's synchronisation ({@code DemandState}'s seqlock).
 */
public final class RecursiveLeastSquares {

    public static final int DIMENSION = Features.SIZE;
    public static final double DEFAULT_FORGETTING = 0.98;
    /** {@code delta}: a weak prior, since the features are MiB-sized. */
    public static final double DEFAULT_INITIAL_COVARIANCE = 1e4;
    /** About 1.7e4 times the initial trace: some 490 steps of wind-up at the default forgetting. */
    public static final double DEFAULT_COVARIANCE_TRACE_LIMIT = 1e9;
    /**
     * The residuals' own forgetting, a memory of about 10 observations: the uncertainty should say
     * how the model does now, not how it did while it was still learning 50 observations ago.
     */
    public static final double DEFAULT_ERROR_FORGETTING = 0.9;

    private final double forgetting;
    private final double initialCovariance;
    private final double covarianceTraceLimit;
    private final double[] weights = new double[DIMENSION];
    /** Row-major, symmetric. */
    private final double[] covariance = new double[DIMENSION * DIMENSION];
    /** Scratch for {@code P x}. */
    private final double[] covarianceTimesX = new double[DIMENSION];
    private final DecayingMeanSquare residuals;
    private long updates;
    private long resets;

    public RecursiveLeastSquares() {
        this(DEFAULT_FORGETTING, DEFAULT_INITIAL_COVARIANCE, DEFAULT_COVARIANCE_TRACE_LIMIT, DEFAULT_ERROR_FORGETTING);
    }

    public RecursiveLeastSquares(double forgetting, double initialCovariance, double covarianceTraceLimit,
            double errorForgetting) {
        checkForgetting("forgetting", forgetting);
        checkForgetting("error forgetting", errorForgetting);
        if (!(initialCovariance > 0 && Double.isFinite(initialCovariance))) {
            throw new IllegalArgumentException("initial covariance must be positive, got " + initialCovariance);
        }
        if (!(covarianceTraceLimit > initialCovariance * DIMENSION && Double.isFinite(covarianceTraceLimit))) {
            throw new IllegalArgumentException("covariance trace limit must exceed the initial trace "
                    + initialCovariance * DIMENSION + ", got " + covarianceTraceLimit);
        }
        this.forgetting = forgetting;
        this.initialCovariance = initialCovariance;
        this.covarianceTraceLimit = covarianceTraceLimit;
        this.residuals = new DecayingMeanSquare(errorForgetting);
        clear();
    }

    static void checkForgetting(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + value);
        }
    }

    /** {@code w.x}. */
    public double predict(double[] x) {
        double sum = 0;
        for (int i = 0; i < DIMENSION; i++) {
            sum += weights[i] * x[i];
        }
        return sum;
    }

    /** Learns {@code y} at {@code x}; returns whether the covariance had to be reset. */
    public boolean update(double[] x, double y) {
        double error = y - predict(x);
        residuals.add(error);
        double[] p = covariance;
        double[] px = covarianceTimesX;
        double xpx = 0;
        for (int i = 0; i < DIMENSION; i++) {
            double sum = 0;
            for (int j = 0; j < DIMENSION; j++) {
                sum += p[i * DIMENSION + j] * x[j];
            }
            px[i] = sum;
            xpx += x[i] * sum;
        }
        double denominator = forgetting + xpx;
        boolean weightsFinite = true;
        for (int i = 0; i < DIMENSION; i++) {
            weights[i] += px[i] / denominator * error;
            weightsFinite &= Double.isFinite(weights[i]);
        }
        boolean sound = weightsFinite;
        double trace = 0;
        for (int i = 0; i < DIMENSION; i++) {
            for (int j = i; j < DIMENSION; j++) {
                double v = (p[i * DIMENSION + j] - px[i] * px[j] / denominator) / forgetting;
                p[i * DIMENSION + j] = v;
                p[j * DIMENSION + i] = v;
                sound &= Double.isFinite(v);
            }
            double diagonal = p[i * DIMENSION + i];
            sound &= diagonal > 0;
            trace += diagonal;
        }
        updates++;
        if (sound && trace <= covarianceTraceLimit) {
            return false;
        }
        if (!weightsFinite) {
            Arrays.fill(weights, 0.0);
        }
        resetCovariance();
        resets++;
        return true;
    }

    /** Root mean square of the a-priori residuals, forgetting-weighted; 0 before any update. */
    public double sigma() {
        return residuals.rms();
    }

    /** The coefficient of feature {@code index}. */
    public double coefficient(int index) {
        return weights[index];
    }

    /** {@code P[row][column]}. */
    public double covariance(int row, int column) {
        return covariance[row * DIMENSION + column];
    }

    public long updates() {
        return updates;
    }

    /** How many times the covariance was reset for wind-up or lost precision. */
    public long resets() {
        return resets;
    }

    /** Back to the state of a new instance, counters included. */
    public void clear() {
        Arrays.fill(weights, 0.0);
        resetCovariance();
        residuals.clear();
        updates = 0;
        resets = 0;
    }

    private void resetCovariance() {
        Arrays.fill(covariance, 0.0);
        for (int i = 0; i < DIMENSION; i++) {
            covariance[i * DIMENSION + i] = initialCovariance;
        }
    }
}
