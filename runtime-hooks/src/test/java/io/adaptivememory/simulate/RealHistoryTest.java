package io.adaptivememory.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.history.HistoryReader;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

/** The simulator on the real history recorded from a standalone TaskManager (test resource history/real). */
class RealHistoryTest {

    @Test
    void realHistory_everyPolicy_noInvariantViolationAndAdaptiveSpillsLessThanStatic() throws Exception {
        HistoryReader.History history = HistoryReader.read(Path.of(getClass().getResource("/history/real").toURI()));
        assertEquals(List.of(), history.problems());

        SimulationResult fixed = Simulator.run(history.consumers(), PolicyVariant.of(PolicyKind.STATIC));
        SimulationResult fair = Simulator.run(history.consumers(), PolicyVariant.of(PolicyKind.FAIR));
        SimulationResult adaptive = Simulator.run(history.consumers(), PolicyVariant.of(PolicyKind.ADAPTIVE));
        SimulationResult recorded = Simulator.run(history.consumers(), PolicyVariant.parse("adaptive+recorded"));

        for (SimulationResult r : List.of(fixed, fair, adaptive, recorded)) {
            assertEquals(0, r.invariantViolations(), r.policy() + ": " + r.firstViolation());
            assertEquals(0, r.failedConsumers(), r.policy());
            assertEquals(history.consumers().size(), r.consumers(), r.policy());
        }
        assertEquals(0, fixed.peakBorrowedBytes(), "static never lends");
        assertTrue(fixed.spilledBytes() > 0, "under Flink's static shares the skewed consumers spill");
        assertTrue(adaptive.spilledBytes() < fixed.spilledBytes() / 2,
                "adaptive " + adaptive.spilledBytes() + " vs static " + fixed.spilledBytes());
        assertTrue(adaptive.spilledBytes() <= fair.spilledBytes(), "adaptive at least as good as fair");
    }
}
