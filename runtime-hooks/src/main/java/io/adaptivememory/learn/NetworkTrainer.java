package io.adaptivememory.learn;

import io.adaptivememory.estimate.Features;
import io.adaptivememory.estimate.NeuralNetwork;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Trains a {@link NeuralNetwork} by mini-batch gradient descent with Adam on the mean squared
 * error of the standardised target {@code t = (y - mean y) / sd y}, plus L2 weight decay on the
 * weights (not the biases):
 *
 * <pre>
 *   loss = mean_batch (o - t)^2 + decay/2 * (|W|^2 + |v|^2),   o = b2 + v . tanh(b1 + W z)
 *   theta -= rate * m_hat / (sqrt(s_hat) + 1e-8)    (Adam, beta1 0.9, beta2 0.999)
 * </pre>
 *
 * Weights start Glorot-uniform from {@code new Random(seed)}, which also shuffles the rows each
 * epoch, so one seed always gives the same network. After each epoch the network is scored on the
 * validation rows; training stops after {@code patience} epochs without improvement and returns
 * the best network seen (early stopping), whose residual is that validation RMSE in MiB.
 */
public final class NetworkTrainer {

    /**
     * @param units hidden tanh units
     * @param epochs the most passes over the training rows
     * @param progressEvery print a progress line every this many epochs
     */
    public record Options(int units, int epochs, long seed, double learningRate, double weightDecay, int batchRows,
            int patience, int progressEvery) {

        public static final Options DEFAULTS = new Options(8, 500, 1, 0.01, 1e-4, 32, 50, 100);

        public Options {
            if (units < 1 || units > NeuralNetwork.MAX_UNITS || epochs < 1 || batchRows < 1 || patience < 1
                    || progressEvery < 1 || !(learningRate > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("bad network options " + this);
            }
        }

        public Options with(int units, int epochs, long seed) {
            return new Options(units, epochs, seed, learningRate, weightDecay, batchRows, patience, progressEvery);
        }
    }

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;
    private static final double CONSTANT_TARGET_SCALE = 1;

    private final Options options;
    private final int units;
    private final int hiddenBiasAt;
    private final int outputAt;
    private final int outputBiasAt;
    private final double[] theta;

    private NetworkTrainer(Options options) {
        this.options = options;
        this.units = options.units();
        // theta = [W (units x SIZE, row-major) | b1 (units) | v (units) | b2]
        this.hiddenBiasAt = units * Features.SIZE;
        this.outputAt = hiddenBiasAt + units;
        this.outputBiasAt = outputAt + units;
        this.theta = new double[outputBiasAt + 1];
    }

    /** Trains on the training rows, stopping early on the validation rows (both non-empty). */
    public static NeuralNetwork train(double[][] trainX, double[] trainY, double[][] validationX,
            double[] validationY, Options options, String label, PrintStream progress) {
        if (trainX.length == 0 || validationX.length == 0) {
            throw new IllegalArgumentException("a network needs training and validation rows");
        }
        return new NetworkTrainer(options).run(trainX, trainY, validationX, validationY, label, progress);
    }

    private NeuralNetwork run(double[][] trainX, double[] trainY, double[][] validationX, double[] validationY,
            String label, PrintStream progress) {
        Standardisation s = Standardisation.of(trainX);
        double[][] z = s.apply(trainX);
        double targetMean = Arrays.stream(trainY).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(trainY).map(y -> (y - targetMean) * (y - targetMean)).average()
                .orElse(0));
        double targetScale = sd > 0 ? sd : CONSTANT_TARGET_SCALE;
        double[] t = Arrays.stream(trainY).map(y -> (y - targetMean) / targetScale).toArray();

        Random random = new Random(options.seed());
        double hiddenLimit = Math.sqrt(6.0 / (Features.SIZE + units));
        double outputLimit = Math.sqrt(6.0 / (units + 1));
        for (int p = 0; p < hiddenBiasAt; p++) {
            theta[p] = (2 * random.nextDouble() - 1) * hiddenLimit;
        }
        for (int p = outputAt; p < outputBiasAt; p++) {
            theta[p] = (2 * random.nextDouble() - 1) * outputLimit;
        }

        double[] gradient = new double[theta.length];
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        double[] activation = new double[units];
        int[] order = new int[z.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        NeuralNetwork best = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        long step = 0;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            shuffle(order, random);
            for (int from = 0; from < order.length; from += options.batchRows()) {
                int to = Math.min(order.length, from + options.batchRows());
                Arrays.fill(gradient, 0);
                for (int b = from; b < to; b++) {
                    accumulate(z[order[b]], t[order[b]], 2.0 / (to - from), activation, gradient);
                }
                adam(gradient, m, v, ++step);
            }
            NeuralNetwork network = network(s, targetMean, targetScale, 0);
            double rmse = Metrics.rmseMiB(network, validationX, validationY);
            if (rmse < bestRmse) {
                best = network;
                bestRmse = rmse;
                bestEpoch = epoch;
            }
            boolean stop = epoch - bestEpoch >= options.patience();
            if (epoch % options.progressEvery() == 0 || stop) {
                progress.printf("  network %s: epoch %d, validation RMSE %.3f MiB (best %.3f at epoch %d)%s%n", label,
                        epoch, rmse, bestRmse, bestEpoch, stop ? ", stopped early" : "");
            }
            if (stop) {
                break;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("network " + label + " never reached a finite validation error");
        }
        return best.withResidualMiB(bestRmse);
    }

    /** Adds one row's gradient of {@code scale / 2 * (o - t)^2}; {@code scale = 2 / batch} gives the batch mean's. */
    private void accumulate(double[] z, double target, double scale, double[] activation, double[] gradient) {
        double out = theta[outputBiasAt];
        for (int i = 0; i < units; i++) {
            double sum = theta[hiddenBiasAt + i];
            for (int j = 0; j < Features.SIZE; j++) {
                sum += theta[i * Features.SIZE + j] * z[j];
            }
            activation[i] = Math.tanh(sum);
            out += theta[outputAt + i] * activation[i];
        }
        double dOut = scale * (out - target);
        gradient[outputBiasAt] += dOut;
        for (int i = 0; i < units; i++) {
            gradient[outputAt + i] += dOut * activation[i];
            double dSum = dOut * theta[outputAt + i] * (1 - activation[i] * activation[i]);
            gradient[hiddenBiasAt + i] += dSum;
            for (int j = 0; j < Features.SIZE; j++) {
                gradient[i * Features.SIZE + j] += dSum * z[j];
            }
        }
    }

    private void adam(double[] gradient, double[] m, double[] v, long step) {
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        for (int p = 0; p < theta.length; p++) {
            boolean weight = p < hiddenBiasAt || (p >= outputAt && p < outputBiasAt);
            double g = gradient[p] + (weight ? options.weightDecay() * theta[p] : 0);
            m[p] = BETA1 * m[p] + (1 - BETA1) * g;
            v[p] = BETA2 * v[p] + (1 - BETA2) * g * g;
            theta[p] -= options.learningRate() * (m[p] / correction1) / (Math.sqrt(v[p] / correction2) + ADAM_EPSILON);
        }
    }

    private NeuralNetwork network(Standardisation s, double targetMean, double targetScale, double residualMiB) {
        return new NeuralNetwork(s.mean(), s.scale(), targetMean, targetScale,
                Arrays.copyOfRange(theta, 0, hiddenBiasAt), Arrays.copyOfRange(theta, hiddenBiasAt, outputAt),
                Arrays.copyOfRange(theta, outputAt, outputBiasAt), theta[outputBiasAt], residualMiB);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[k];
            order[k] = swap;
        }
    }
}
