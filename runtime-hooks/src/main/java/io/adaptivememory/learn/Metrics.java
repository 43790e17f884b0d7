package io.adaptivememory.learn;

import io.adaptivememory.estimate.DemandModel;

/**
 * How well predictions of demand (MiB) match the demands that happened:
 *
 * <pre>
 *   MAE  = mean |p - y|        RMSE = sqrt(mean (p - y)^2)
 *   R2   = 1 - sum (p - y)^2 / sum (y - mean y)^2      (NaN when every y is the same)
 *   grant accuracy = share of rows with  g >= y  and  y >= g / 2,   g = max(0, p)
 * </pre>
 *
 * Grant accuracy asks whether a grant of the predicted size would have been right: no spill
 * (the grant covers the demand) and no gross waste (at least half of it used).
 */
public record Metrics(int rows, double maeMiB, double rmseMiB, double r2, double grantAccuracy) {

    public static Metrics of(double[] predictedMiB, double[] actualMiB) {
        int n = actualMiB.length;
        if (n == 0 || predictedMiB.length != n) {
            throw new IllegalArgumentException("metrics need as many predictions as demands, at least one");
        }
        double mean = 0;
        for (double y : actualMiB) {
            mean += y / n;
        }
        double absolute = 0;
        double squares = 0;
        double total = 0;
        int good = 0;
        for (int i = 0; i < n; i++) {
            double y = actualMiB[i];
            double error = predictedMiB[i] - y;
            absolute += Math.abs(error);
            squares += error * error;
            total += (y - mean) * (y - mean);
            double grant = predictedMiB[i] > 0 ? predictedMiB[i] : 0;
            if (grant >= y && y >= grant / 2) {
                good++;
            }
        }
        return new Metrics(n, absolute / n, Math.sqrt(squares / n), total == 0 ? Double.NaN : 1 - squares / total,
                (double) good / n);
    }

    /** The root mean squared error of {@code model} on {@code x}, {@code y}. */
    public static double rmseMiB(DemandModel model, double[][] x, double[] y) {
        double squares = 0;
        for (int i = 0; i < y.length; i++) {
            double error = model.predictMiB(x[i]) - y[i];
            squares += error * error;
        }
        return Math.sqrt(squares / y.length);
    }
}
