package io.adaptivememory.estimate;

import static io.adaptivememory.estimate.RecursiveLeastSquares.DEFAULT_COVARIANCE_TRACE_LIMIT;
import static io.adaptivememory.estimate.RecursiveLeastSquares.DEFAULT_ERROR_FORGETTING;
import static io.adaptivememory.estimate.RecursiveLeastSquares.DEFAULT_FORGETTING;
import static io.adaptivememory.estimate.RecursiveLeastSquares.DEFAULT_INITIAL_COVARIANCE;
import static io.adaptivememory.estimate.RecursiveLeastSquares.DIMENSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class RecursiveLeastSquaresTest {

    private static final long SEED = 0x5EED_0F_12L;
    private static final double[] FIRST = {3.0, 0.5, -2.0, 7.0, 1.25, -0.75};
    private static final double[] SECOND = {-1.0, 2.0, 0.25, -4.0, 0.5, 6.0};
    private static final double TOLERANCE = 1e-6;

    /** Feeds {@code samples} noiseless samples of {@code y = truth.x} with a bias and random features. */
    private static void feed(RecursiveLeastSquares rls, double[] truth, int samples, SplittableRandom rnd) {
        double[] x = new double[DIMENSION];
        for (int n = 0; n < samples; n++) {
            x[0] = 1.0;
            for (int i = 1; i < DIMENSION; i++) {
                x[i] = rnd.nextDouble(0, 10);
            }
            double y = 0;
            for (int i = 0; i < DIMENSION; i++) {
                y += truth[i] * x[i];
            }
            rls.update(x, y);
        }
    }

    private static double largestDeviation(RecursiveLeastSquares rls, double[] truth) {
        double worst = 0;
        for (int i = 0; i < DIMENSION; i++) {
            worst = Math.max(worst, Math.abs(rls.coefficient(i) - truth[i]));
        }
        return worst;
    }

    private static double trace(RecursiveLeastSquares rls) {
        double trace = 0;
        for (int i = 0; i < DIMENSION; i++) {
            trace += rls.covariance(i, i);
        }
        return trace;
    }

    @Test
    void update_noiselessLinearRelation_recoversCoefficients() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        feed(rls, FIRST, 500, new SplittableRandom(SEED));

        assertTrue(largestDeviation(rls, FIRST) < TOLERANCE, () -> "deviation " + largestDeviation(rls, FIRST));
        assertEquals(0, rls.resets());
        assertEquals(500, rls.updates());
    }

    @Test
    void update_relationChangesWithForgetting_tracksTheNewCoefficients() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        SplittableRandom rnd = new SplittableRandom(SEED);
        feed(rls, FIRST, 500, rnd);
        feed(rls, SECOND, 1000, rnd);

        assertTrue(largestDeviation(rls, SECOND) < TOLERANCE, () -> "deviation " + largestDeviation(rls, SECOND));
    }

    @Test
    void update_relationChangesWithoutForgetting_staysBetweenOldAndNew() {
        RecursiveLeastSquares rls =
                new RecursiveLeastSquares(1.0, DEFAULT_INITIAL_COVARIANCE, DEFAULT_COVARIANCE_TRACE_LIMIT,
                DEFAULT_ERROR_FORGETTING);
        SplittableRandom rnd = new SplittableRandom(SEED);
        feed(rls, FIRST, 500, rnd);
        feed(rls, SECOND, 1000, rnd);

        assertTrue(largestDeviation(rls, SECOND) > 0.1, () -> "deviation " + largestDeviation(rls, SECOND));
    }

    @Test
    void sigma_twoUpdates_isTheRootMeanSquareOfTheAPrioriResiduals() {
        double delta = DEFAULT_INITIAL_COVARIANCE;
        RecursiveLeastSquares rls = new RecursiveLeastSquares(1.0, delta, DEFAULT_COVARIANCE_TRACE_LIMIT, 1.0);
        double[] x = {1, 0, 0, 0, 0, 0};

        rls.update(x, 4.0);
        assertEquals(4.0, rls.sigma(), 0.0);
        // After one sample w0 = 4 delta / (1 + delta), so the next a-priori residual is 4 / (1 + delta).
        assertEquals(4.0 * delta / (1 + delta), rls.predict(x), 1e-12);
        rls.update(x, 4.0);
        double second = 4.0 / (1 + delta);
        assertEquals(Math.sqrt((16.0 + second * second) / 2), rls.sigma(), 1e-12);
    }

    @Test
    void update_unexcitedDirections_covarianceIsResetBeforeItPassesTheLimit() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        double[] x = {1, 0, 0, 0, 0, 0};
        for (int n = 0; n < 2000; n++) {
            rls.update(x, 5.0);
            assertTrue(trace(rls) <= DEFAULT_COVARIANCE_TRACE_LIMIT, "trace " + trace(rls) + " at " + n);
        }
        // Five idle diagonals grow as delta / lambda^k: they pass the limit at k = 491, and the
        // reset starts the same climb again, so 2000 updates reset at 491, 982, 1473 and 1964.
        double steps = Math.log(DEFAULT_COVARIANCE_TRACE_LIMIT / (5 * DEFAULT_INITIAL_COVARIANCE))
                / Math.log(1 / DEFAULT_FORGETTING);
        assertEquals(491, (int) Math.ceil(steps));
        assertEquals(4, rls.resets());
        assertEquals(5.0, rls.predict(x), 1e-9);
    }

    @Test
    void update_nonFiniteTarget_resetsToZeroAndStaysFinite() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        feed(rls, FIRST, 50, new SplittableRandom(SEED));
        double sigmaBefore = rls.sigma();
        double[] x = {1, 2, 3, 4, 5, 6};

        assertTrue(rls.update(x, Double.NaN));

        assertEquals(1, rls.resets());
        for (int i = 0; i < DIMENSION; i++) {
            assertEquals(0.0, rls.coefficient(i));
            for (int j = 0; j < DIMENSION; j++) {
                assertEquals(i == j ? DEFAULT_INITIAL_COVARIANCE : 0.0, rls.covariance(i, j));
            }
        }
        assertEquals(sigmaBefore, rls.sigma());
        assertFalse(rls.update(x, 1.0));
    }

    @Test
    void update_anySample_keepsCovarianceExactlySymmetric() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        feed(rls, FIRST, 37, new SplittableRandom(SEED));
        for (int i = 0; i < DIMENSION; i++) {
            for (int j = 0; j < DIMENSION; j++) {
                assertEquals(rls.covariance(i, j), rls.covariance(j, i));
            }
        }
    }

    @Test
    void updateAndPredict_afterWarmUp_allocateNothing() {
        RecursiveLeastSquares rls = new RecursiveLeastSquares();
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] sink = new double[1];
        long allocated = Allocations.afterWarmUp(() -> {
            for (int n = 0; n < 10_000; n++) {
                x[1] = n % 17;
                rls.update(x, n % 29);
                sink[0] += rls.predict(x) + rls.sigma();
            }
        });
        assertEquals(0, allocated);
    }

    @Test
    void constructor_outOfRange_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new RecursiveLeastSquares(0.0, 1, 100, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new RecursiveLeastSquares(1.01, 1, 100, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new RecursiveLeastSquares(0.9, 0, 100, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new RecursiveLeastSquares(0.9, 1, DIMENSION, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new RecursiveLeastSquares(0.9, 1, 100, 0.0));
    }
}
