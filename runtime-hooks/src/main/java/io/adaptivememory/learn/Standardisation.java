package io.adaptivememory.learn;

import io.adaptivememory.estimate.Features;

/**
 * Per-feature mean and scale: {@code z[j] = (x[j] - mean[j]) / scale[j]}, with the population
 * standard deviation as the scale. The bias feature keeps mean 0 and scale 1 (it stays the
 * constant 1), and a feature constant in the training data gets scale 1 (its z is then 0: it
 * carries no information to fit, and dividing by ~0 would blow up on new data).
 */
record Standardisation(double[] mean, double[] scale) {

    private static final double CONSTANT_RELATIVE_SPREAD = 1e-12;

    static Standardisation of(double[][] x) {
        int n = x.length;
        double[] mean = new double[Features.SIZE];
        double[] scale = new double[Features.SIZE];
        scale[0] = 1;
        for (int j = 1; j < Features.SIZE; j++) {
            double sum = 0;
            for (double[] row : x) {
                sum += row[j];
            }
            mean[j] = sum / n;
            double squares = 0;
            for (double[] row : x) {
                double d = row[j] - mean[j];
                squares += d * d;
            }
            double sd = Math.sqrt(squares / n);
            scale[j] = sd > CONSTANT_RELATIVE_SPREAD * Math.max(1, Math.abs(mean[j])) ? sd : 1;
        }
        return new Standardisation(mean, scale);
    }

    /** The standardised copy of {@code x}. */
    double[][] apply(double[][] x) {
        double[][] z = new double[x.length][Features.SIZE];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < Features.SIZE; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        return z;
    }
}
