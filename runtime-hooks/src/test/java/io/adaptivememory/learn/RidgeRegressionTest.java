package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.estimate.Features;
import io.adaptivememory.estimate.LinearModel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

class RidgeRegressionTest {

    private static final double[] COEFFICIENTS = {3.0, 0.5, 1.25, -40.0, 0.75, 2.0};

    /** Rows with varied features; has_previous varies independently so no column is collinear. */
    static double[][] rows(int n, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][Features.SIZE];
        for (double[] row : x) {
            row[0] = 1;
            row[1] = 100 * random.nextDouble();
            row[2] = 64 * random.nextDouble();
            row[3] = 1.0 / (1 + random.nextInt(8));
            row[4] = 200 * random.nextDouble();
            row[5] = random.nextBoolean() ? 1 : 0;
        }
        return x;
    }

    static double[] linear(double[][] x, double[] c) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < Features.SIZE; j++) {
                y[i] += c[j] * x[i][j];
            }
        }
        return y;
    }

    @Test
    void fit_noiselessLinearDataNoPenalty_recoversCoefficients() {
        double[][] x = rows(50, 1);

        LinearModel model = RidgeRegression.fit(x, linear(x, COEFFICIENTS), 0);

        assertArrayEquals(COEFFICIENTS, model.coefficients(), 1e-6);
        assertEquals(0, model.residualMiB(), 1e-6);
    }

    @Test
    void fit_constantFeature_getsNoWeightAndTheRestIsExact() {
        double[][] x = rows(30, 2);
        for (double[] row : x) {
            row[5] = 0;
        }
        double[] c = COEFFICIENTS.clone();
        c[5] = 0;

        LinearModel model = RidgeRegression.fit(x, linear(x, c), 0);

        assertArrayEquals(c, model.coefficients(), 1e-6);
    }

    @Test
    void fit_largePenalty_shrinksTowardsTheMean() {
        double[][] x = rows(40, 3);
        double[] y = linear(x, COEFFICIENTS);
        double mean = Arrays.stream(y).average().orElseThrow();

        LinearModel model = RidgeRegression.fit(x, y, 1e6);

        assertEquals(mean, model.weights()[0], 1e-9);
        for (int j = 1; j < Features.SIZE; j++) {
            assertTrue(Math.abs(model.weights()[j]) < 1e-3, "weight " + j + " = " + model.weights()[j]);
        }
    }

    @Test
    void select_noiselessData_picksAFitWithZeroValidationError() {
        double[][] train = rows(40, 4);
        double[][] validation = rows(20, 5);

        LinearModel model = RidgeRegression.select(train, linear(train, COEFFICIENTS), validation,
                linear(validation, COEFFICIENTS));

        assertEquals(0, model.residualMiB(), 1e-6);
        assertEquals(Metrics.rmseMiB(model, validation, linear(validation, COEFFICIENTS)), model.residualMiB(), 0);
    }

    @Test
    void solve_knownSystem_exactSolution() {
        // A = [[4, 2], [2, 3]] (lower triangle given), b = A * [1, -2]
        double[] w = RidgeRegression.solve(new double[][] {{4, 0}, {2, 3}}, new double[] {0, -4});

        assertArrayEquals(new double[] {1, -2}, w, 1e-12);
    }
}
