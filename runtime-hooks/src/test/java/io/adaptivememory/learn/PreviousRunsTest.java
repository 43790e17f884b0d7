package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreviousRunsTest {

    /** Demands 10, 20, 40 (oldest first). */
    private static PreviousRuns threeRuns() {
        return PreviousRuns.push(PreviousRuns.push(PreviousRuns.push(null, 10, -1), 20, -1), 40, -1);
    }

    @Test
    void ewmaBytes_threeRuns_forwardRecurrenceFromTheOldest() {
        // e = 10; e = 0.5*20 + 0.5*10 = 15; e = 0.5*40 + 0.5*15 = 27.5
        assertEquals(27.5, threeRuns().ewmaBytes(0.5), 1e-12);
    }

    @Test
    void ewmaBytes_oneRun_isThatRun() {
        assertEquals(10, PreviousRuns.push(null, 10, -1).ewmaBytes(0.5), 0);
    }

    @Test
    void percentileBytes_threeRuns_nearestRank() {
        assertEquals(40, threeRuns().percentileBytes(0.95));
        assertEquals(20, threeRuns().percentileBytes(0.5));
        assertEquals(10, threeRuns().percentileBytes(0.2));
    }
}
