package io.adaptivememory.estimate;

import java.util.Arrays;

/**
 * A linear demand model on standardised features:
 * {@code demandMiB = sum_j weights[j] * (x[j] - mean[j]) / scale[j]}.
 *
 * <p>The bias feature ({@code x[0] = 1}) keeps {@code mean[0] = 0, scale[0] = 1}, so
 * {@code weights[0]} is the intercept. {@link #coefficients()} gives the same model in the raw
 * units of {@link Features} (the source document's {@code R = a*DataRate + b*OperatorComplexity +
 * c*Parallelism + ...}). The fitting lives in {@code io.adaptivememory.learn.RidgeRegression}.
 */
public final class LinearModel implements DemandModel {

    private final double[] mean;
    private final double[] scale;
    private final double[] weights;
    private final double residualMiB;

    /** Copies the arrays (each of length {@link Features#SIZE}); every value must be finite, scales positive. */
    public LinearModel(double[] mean, double[] scale, double[] weights, double residualMiB) {
        this.mean = ModelFile.vector("mean", mean, Features.SIZE);
        this.scale = ModelFile.scales("scale", scale, Features.SIZE);
        this.weights = ModelFile.vector("weights", weights, Features.SIZE);
        this.residualMiB = ModelFile.residual(residualMiB);
    }

    @Override
    public double predictMiB(double[] features) {
        double sum = 0;
        for (int j = 0; j < Features.SIZE; j++) {
            sum += weights[j] * (features[j] - mean[j]) / scale[j];
        }
        return sum;
    }

    @Override
    public double residualMiB() {
        return residualMiB;
    }

    /** The same model with another validation error. */
    public LinearModel withResidualMiB(double residualMiB) {
        return new LinearModel(mean, scale, weights, residualMiB);
    }

    /** The model in raw feature units: {@code demandMiB = sum_j c[j] * x[j]} (c[0] multiplies the bias 1). */
    public double[] coefficients() {
        double[] c = new double[Features.SIZE];
        for (int j = 0; j < Features.SIZE; j++) {
            c[j] = weights[j] / scale[j];
            c[0] -= c[j] * mean[j];
        }
        return c;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    public double[] weights() {
        return weights.clone();
    }

    @Override
    public String toString() {
        return "LinearModel[coefficients=" + Arrays.toString(coefficients()) + ", residualMiB=" + residualMiB + "]";
    }
}
