package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.estimate.Features;
import io.adaptivememory.estimate.LinearModel;
import io.adaptivememory.estimate.NeuralNetwork;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

class NetworkTrainerTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** requested_mib uniform in [0, 10); demand = (requested - 5)^2: a parabola no line can follow. */
    private static double[][] rows(int n, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][Features.SIZE];
        for (double[] row : x) {
            row[0] = 1;
            row[2] = 10 * random.nextDouble();
            row[3] = 0.25;
        }
        return x;
    }

    private static double[] parabola(double[][] x) {
        return Arrays.stream(x).mapToDouble(row -> (row[2] - 5) * (row[2] - 5)).toArray();
    }

    private static double constantRmse(double[] y) {
        double mean = Arrays.stream(y).average().orElseThrow();
        return Math.sqrt(Arrays.stream(y).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
    }

    @Test
    void train_parabola_beatsConstantAndLineByFar() {
        double[][] train = rows(200, 1);
        double[][] validation = rows(60, 2);
        double[][] test = rows(60, 3);

        NeuralNetwork network = NetworkTrainer.train(train, parabola(train), validation, parabola(validation),
                NetworkTrainer.Options.DEFAULTS, "parabola", QUIET);
        LinearModel line = RidgeRegression.fit(train, parabola(train), 0);

        double networkRmse = Metrics.rmseMiB(network, test, parabola(test));
        assertTrue(networkRmse < 0.2 * constantRmse(parabola(test)), "network " + networkRmse);
        assertTrue(networkRmse < 0.3 * Metrics.rmseMiB(line, test, parabola(test)), "network " + networkRmse);
    }

    @Test
    void train_sameSeed_sameNetwork() {
        double[][] train = rows(50, 4);
        double[][] validation = rows(20, 5);
        NetworkTrainer.Options options = NetworkTrainer.Options.DEFAULTS.with(4, 40, 7);

        NeuralNetwork a = NetworkTrainer.train(train, parabola(train), validation, parabola(validation), options,
                "a", QUIET);
        NeuralNetwork b = NetworkTrainer.train(train, parabola(train), validation, parabola(validation), options,
                "b", QUIET);

        assertArrayEquals(a.hidden(), b.hidden(), 0);
        assertArrayEquals(a.output(), b.output(), 0);
        assertEquals(a.residualMiB(), b.residualMiB(), 0);
    }

    @Test
    void train_residual_isValidationRmseOfTheReturnedNetwork() {
        double[][] train = rows(50, 6);
        double[][] validation = rows(20, 7);

        NeuralNetwork network = NetworkTrainer.train(train, parabola(train), validation, parabola(validation),
                NetworkTrainer.Options.DEFAULTS.with(4, 30, 1), "n", QUIET);

        assertEquals(Metrics.rmseMiB(network, validation, parabola(validation)), network.residualMiB(), 0);
    }

    @Test
    void train_progressEveryTenEpochs_printsOneLinePerTenEpochs() {
        double[][] train = rows(20, 8);
        double[][] validation = rows(10, 9);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        NetworkTrainer.Options o = NetworkTrainer.Options.DEFAULTS;
        NetworkTrainer.Options options = new NetworkTrainer.Options(2, 30, 1, o.learningRate(), o.weightDecay(),
                o.batchRows(), 1000, 10);

        NetworkTrainer.train(train, parabola(train), validation, parabola(validation), options, "p",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[2].startsWith("  network p: epoch 30, validation RMSE "), lines[2]);
    }
}
