package io.adaptivememory.estimate;

/**
 * A one-hidden-layer network on standardised features and target:
 *
 * <pre>
 *   z[j]     = (x[j] - mean[j]) / scale[j]                       j = 0..SIZE-1
 *   a[i]     = tanh(hiddenBias[i] + sum_j hidden[i*SIZE + j] * z[j])   i = 0..units-1
 *   demandMiB = targetMean + targetScale * (outputBias + sum_i output[i] * a[i])
 * </pre>
 *
 * {@link #predictMiB} runs the two sums in loops and allocates nothing. The training lives in
 * {@code io.adaptivememory.learn.NetworkTrainer}.
 */
public final class NeuralNetwork implements DemandModel {

    /** The most hidden units a network (and a model file) may have. */
    public static final int MAX_UNITS = 32;

    private final double[] mean;
    private final double[] scale;
    private final double targetMean;
    private final double targetScale;
    private final double[] hidden;
    private final double[] hiddenBias;
    private final double[] output;
    private final double outputBias;
    private final double residualMiB;

    /**
     * Copies the arrays: {@code mean} and {@code scale} of length {@link Features#SIZE},
     * {@code hidden} of length {@code units * SIZE} (row i = unit i), {@code hiddenBias} and
     * {@code output} of length {@code units}, 1 to {@link #MAX_UNITS} units. Every value must be
     * finite, scales positive.
     */
    public NeuralNetwork(double[] mean, double[] scale, double targetMean, double targetScale, double[] hidden,
            double[] hiddenBias, double[] output, double outputBias, double residualMiB) {
        int units = hiddenBias.length;
        if (units < 1 || units > MAX_UNITS) {
            throw new IllegalArgumentException("hidden units must be 1.." + MAX_UNITS + ", not " + units);
        }
        this.mean = ModelFile.vector("mean", mean, Features.SIZE);
        this.scale = ModelFile.scales("scale", scale, Features.SIZE);
        this.targetMean = ModelFile.number("target mean", targetMean);
        this.targetScale = ModelFile.scales("target scale", new double[] {targetScale}, 1)[0];
        this.hidden = ModelFile.vector("hidden", hidden, units * Features.SIZE);
        this.hiddenBias = ModelFile.vector("hidden_bias", hiddenBias, units);
        this.output = ModelFile.vector("output", output, units);
        this.outputBias = ModelFile.number("output_bias", outputBias);
        this.residualMiB = ModelFile.residual(residualMiB);
    }

    @Override
    public double predictMiB(double[] features) {
        double out = outputBias;
        for (int i = 0, row = 0; i < hiddenBias.length; i++, row += Features.SIZE) {
            double sum = hiddenBias[i];
            for (int j = 0; j < Features.SIZE; j++) {
                sum += hidden[row + j] * (features[j] - mean[j]) / scale[j];
            }
            out += output[i] * Math.tanh(sum);
        }
        return targetMean + targetScale * out;
    }

    @Override
    public double residualMiB() {
        return residualMiB;
    }

    /** The same network with another validation error. */
    public NeuralNetwork withResidualMiB(double residualMiB) {
        return new NeuralNetwork(mean, scale, targetMean, targetScale, hidden, hiddenBias, output, outputBias,
                residualMiB);
    }

    public int units() {
        return hiddenBias.length;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    public double targetMean() {
        return targetMean;
    }

    public double targetScale() {
        return targetScale;
    }

    public double[] hidden() {
        return hidden.clone();
    }

    public double[] hiddenBias() {
        return hiddenBias.clone();
    }

    public double[] output() {
        return output.clone();
    }

    public double outputBias() {
        return outputBias;
    }

    @Override
    public String toString() {
        return "NeuralNetwork[units=" + units() + ", residualMiB=" + residualMiB + "]";
    }
}
