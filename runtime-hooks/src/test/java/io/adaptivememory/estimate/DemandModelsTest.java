package io.adaptivememory.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemandModelsTest {

    private static final double[] MEAN = {0, 10, 0, 0, 0, 0};
    private static final double[] SCALE = {1, 2, 1, 1, 1, 1};
    private static final double[] X = {1, 14, 3, 0.5, 0, 1};

    private static NeuralNetwork network() {
        double[] hidden = new double[2 * Features.SIZE];
        // unit 0 sees z1 = (14 - 10) / 2 = 2, unit 1 sees z2 = 3
        hidden[1] = 0.5;
        hidden[Features.SIZE + 2] = -1;
        return new NeuralNetwork(MEAN, SCALE, 100, 10, hidden, new double[] {0, 2}, new double[] {3, 4}, 0.5, 1);
    }

    @Test
    void linearPredictMiB_handComputed_exact() {
        LinearModel model = new LinearModel(MEAN, SCALE, new double[] {5, 3, 2, 0, 0, -1}, 0);

        // 5 + 3 * (14 - 10) / 2 + 2 * 3 - 1 * 1
        assertEquals(16, model.predictMiB(X), 1e-12);
        // in raw units: 5 - 3 * 10 / 2 = -10 intercept, 1.5 per prev_input_mib
        assertArrayEquals(new double[] {-10, 1.5, 2, 0, 0, -1}, model.coefficients(), 1e-12);
    }

    @Test
    void networkPredictMiB_handComputed_exact() {
        // 100 + 10 * (0.5 + 3 tanh(0.5 * 2) + 4 tanh(2 - 3))
        double expected = 100 + 10 * (0.5 + 3 * Math.tanh(1) + 4 * Math.tanh(-1));

        assertEquals(expected, network().predictMiB(X), 1e-12);
    }

    @Test
    void networkPredictMiB_repeatedCalls_allocateNothing() {
        NeuralNetwork network = network();
        double[] sum = new double[1];
        long allocated = Allocations.afterWarmUp(() -> {
            for (int i = 0; i < 10_000; i++) {
                sum[0] += network.predictMiB(X);
            }
        });

        assertTrue(Double.isFinite(sum[0]));
        assertEquals(0, allocated, "bytes allocated by 10,000 predictions");
    }

    @Test
    void constructors_brokenParameters_refused() {
        double[] five = new double[5];
        double[] zeroScale = {1, 1, 0, 1, 1, 1};
        double[] huge = {0, 0, 2e9, 0, 0, 0};

        assertThrows(IllegalArgumentException.class, () -> new LinearModel(five, SCALE, MEAN, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearModel(MEAN, zeroScale, MEAN, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearModel(MEAN, SCALE, huge, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearModel(MEAN, SCALE, MEAN, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new NeuralNetwork(MEAN, SCALE, 0, 1,
                new double[33 * Features.SIZE], new double[33], new double[33], 0, 0));
    }
}
