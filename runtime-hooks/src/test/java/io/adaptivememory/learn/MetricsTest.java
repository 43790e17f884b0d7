package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void of_handComputedCase_exactMaeRmseR2() {
        // errors 1, -2, 0, 1: MAE 1, MSE 6/4, RMSE sqrt(1.5); mean y 4, SStot 4+0+0+4 = 8, R2 = 1 - 6/8
        Metrics m = Metrics.of(new double[] {3, 2, 4, 7}, new double[] {2, 4, 4, 6});

        assertEquals(4, m.rows());
        assertEquals(1.0, m.maeMiB(), 1e-12);
        assertEquals(Math.sqrt(1.5), m.rmseMiB(), 1e-12);
        assertEquals(0.25, m.r2(), 1e-12);
    }

    @Test
    void of_grants_countOnlyThoseCoveringDemandAndHalfUsed() {
        // grant 10 for 10 (exact), 10 for 5 (exactly half used), 10 for 4 (under half), 9 for 10 (spill),
        // -3 for 0 (grant 0, nothing needed)
        Metrics m = Metrics.of(new double[] {10, 10, 10, 9, -3}, new double[] {10, 5, 4, 10, 0});

        assertEquals(3.0 / 5, m.grantAccuracy(), 0);
    }

    @Test
    void of_constantDemand_r2IsNaN() {
        assertTrue(Double.isNaN(Metrics.of(new double[] {1, 2}, new double[] {3, 3}).r2()));
    }
}
