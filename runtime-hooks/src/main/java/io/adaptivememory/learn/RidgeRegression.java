package io.adaptivememory.learn;

import io.adaptivememory.estimate.Features;
import io.adaptivememory.estimate.LinearModel;

/**
 * Ridge regression in closed form on standardised features ({@link Standardisation}):
 *
 * <pre>
 *   w = argmin  sum_i (y_i - w . z_i)^2 + lambda * n * sum_{j >= 1} w_j^2
 *     = (Z^T Z + (lambda + epsilon) * n * D)^-1 Z^T y,      D = diag(0, 1, ..., 1)
 * </pre>
 *
 * The intercept ({@code w_0}, on the bias feature) is not penalised. Scaling the penalty by
 * {@code n} makes one lambda grid fit any data size. {@code epsilon = 1e-9} keeps the 6x6 system
 * positive definite when a feature is constant (its standardised column is all zeros, so it gets
 * weight 0) without changing any other fit measurably; the system is solved by Cholesky
 * decomposition. {@link #select} fits each lambda of {@link #LAMBDAS} and keeps the one with the
 * lowest validation RMSE (the smaller lambda on a tie).
 */
public final class RidgeRegression {

    public static final double[] LAMBDAS = {0, 1e-4, 1e-3, 1e-2, 1e-1, 1};
    private static final double EPSILON = 1e-9;

    private RidgeRegression() {}

    /** The fit for one {@code lambda}; its residual is the training RMSE. */
    public static LinearModel fit(double[][] x, double[] y, double lambda) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("ridge regression needs as many targets as rows, at least one");
        }
        Standardisation s = Standardisation.of(x);
        double[][] z = s.apply(x);
        int d = Features.SIZE;
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < d; j++) {
                b[j] += z[i][j] * y[i];
                for (int k = 0; k <= j; k++) {
                    a[j][k] += z[i][j] * z[i][k];
                }
            }
        }
        for (int j = 1; j < d; j++) {
            a[j][j] += (lambda + EPSILON) * z.length;
        }
        LinearModel model = new LinearModel(s.mean(), s.scale(), solve(a, b), 0);
        return model.withResidualMiB(Metrics.rmseMiB(model, x, y));
    }

    /** The fit of the lambda with the lowest RMSE on the validation rows; its residual is that RMSE. */
    public static LinearModel select(double[][] trainX, double[] trainY, double[][] validationX,
            double[] validationY) {
        LinearModel best = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        for (double lambda : LAMBDAS) {
            LinearModel model = fit(trainX, trainY, lambda);
            double rmse = Metrics.rmseMiB(model, validationX, validationY);
            if (rmse < bestRmse) {
                best = model;
                bestRmse = rmse;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no ridge fit has a finite validation error");
        }
        return best.withResidualMiB(bestRmse);
    }

    /**
     * Solves {@code A w = b} for symmetric positive definite {@code A} given by its lower
     * triangle: {@code A = L L^T}, then forward and back substitution.
     */
    static double[] solve(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k <= j; k++) {
                double sum = a[j][k];
                for (int m = 0; m < k; m++) {
                    sum -= l[j][m] * l[k][m];
                }
                if (j == k) {
                    if (!(sum > 0)) {
                        throw new IllegalArgumentException("normal equations are not positive definite");
                    }
                    l[j][j] = Math.sqrt(sum);
                } else {
                    l[j][k] = sum / l[k][k];
                }
            }
        }
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            double sum = b[j];
            for (int m = 0; m < j; m++) {
                sum -= l[j][m] * v[m];
            }
            v[j] = sum / l[j][j];
        }
        double[] w = new double[d];
        for (int j = d - 1; j >= 0; j--) {
            double sum = v[j];
            for (int m = j + 1; m < d; m++) {
                sum -= l[m][j] * w[m];
            }
            w[j] = sum / l[j][j];
        }
        return w;
    }
}
