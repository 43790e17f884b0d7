package io.adaptivememory.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticHistoryTest {

    private static final long SHARE_BYTES = 64L << 20;

    private static SyntheticHistory.Parameters parameters(int runs, int taskManagers, double skew, long seed) {
        return new SyntheticHistory.Parameters(runs, taskManagers, 4, SHARE_BYTES, skew, seed);
    }

    private static ConsumerRecord find(List<ConsumerRecord> records, String job, int subtask) {
        return records.stream().filter(r -> r.job().equals(job) && r.subtask() == subtask).findFirst().orElseThrow();
    }

    @Test
    void writtenHistory_readBack_parsesWithoutProblemsToTheSameRecords(@TempDir Path dir) throws IOException {
        SyntheticHistory.Generated generated = SyntheticHistory.generate(parameters(2, 2, 0.9, 1));

        assertEquals(2, Generate.write(generated, dir), "two TaskManagers");
        HistoryReader.History read = HistoryReader.read(dir);

        assertEquals(List.of(), read.problems());
        assertEquals(4, read.files());
        assertEquals(2 * SyntheticHistory.JOBS.size() * 8, read.consumers().size());
        assertEquals(new HashSet<>(generated.consumers()), new HashSet<>(read.consumers()));
        assertEquals(generated.slots().size(), read.slots().size());
    }

    @Test
    void sameSeed_generate_writesTheSameFilesByteForByte(@TempDir Path dir) throws IOException {
        Generate.write(SyntheticHistory.generate(parameters(2, 1, 0.9, 7)), dir.resolve("a"));
        Generate.write(SyntheticHistory.generate(parameters(2, 1, 0.9, 7)), dir.resolve("b"));
        String file = "consumers-synthetic-0-1-000000.csv";

        assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)),
                Files.readAllBytes(dir.resolve("b").resolve(file)));
        assertNotEquals(SyntheticHistory.generate(parameters(2, 1, 0.9, 7)).consumers(),
                SyntheticHistory.generate(parameters(2, 1, 0.9, 8)).consumers());
    }

    @Test
    void skewedSortAggregation_hotSubtask_getsTheSkewShareOfRowsAndProportionalDemand() {
        List<ConsumerRecord> hot = SyntheticHistory.generate(parameters(1, 1, 0.9, 3)).consumers();
        List<ConsumerRecord> mild = SyntheticHistory.generate(parameters(1, 1, 0.5, 3)).consumers();
        String job = "r0-sortagg-skewed";

        long rows = hot.stream().filter(r -> r.job().equals(job)).mapToLong(ConsumerRecord::inputRecords).sum();
        assertEquals(0.9, (double) find(hot, job, 0).inputRecords() / rows, 1e-6);
        assertEquals(find(hot, job, 1).inputRecords(), find(hot, job, 3).inputRecords());
        // The same seed draws the same noise whatever the skew, so a sorter's demand (linear in its
        // input) scales with the skew exactly, up to the rounding of rows.
        assertEquals(0.9 / 0.5, (double) find(hot, job, 0).demandBytes() / find(mild, job, 0).demandBytes(), 1e-5);
    }

    @Test
    void recordedAsStaticFlink_lazyConsumers_neverHoldMoreThanTheirShareAndSpillTheRest() {
        List<ConsumerRecord> records = SyntheticHistory.generate(parameters(3, 1, 0.9, 1)).consumers();

        for (ConsumerRecord r : records) {
            assertTrue(r.peakBytes() <= SHARE_BYTES, r.toString());
            long beyondShare = Math.max(0, r.demandBytes() - SHARE_BYTES);
            assertEquals(r.kind() == ConsumerKind.ROCKSDB ? 0 : beyondShare, r.spilledBytes(), r.toString());
        }
        ConsumerRecord second = find(records, "r1-sortagg-skewed", 0);
        assertEquals(find(records, "r0-sortagg-skewed", 0).demandBytes(), second.predictedBytes());
        assertEquals(-1, find(records, "r0-sortagg-skewed", 0).predictedBytes());
        assertTrue(records.stream().map(ConsumerRecord::endMillis).sorted().toList()
                .equals(records.stream().map(ConsumerRecord::endMillis).toList()));
    }

    @Test
    void generatedHistory_simulated_adaptiveSpillsLessThanStaticWithIntactInvariants() {
        List<ConsumerRecord> records = SyntheticHistory.generate(parameters(2, 1, 0.9, 1)).consumers();

        SimulationResult statik = Simulator.run(records, PolicyVariant.of(PolicyKind.STATIC));
        SimulationResult adaptive = Simulator.run(records, PolicyVariant.parse("adaptive+recorded"));

        assertTrue(adaptive.spilledBytes() < statik.spilledBytes(), adaptive + " vs " + statik);
        assertEquals(0, statik.peakBorrowedBytes());
        assertEquals(0, statik.invariantViolations() + adaptive.invariantViolations());
        assertEquals(0, adaptive.failedConsumers());
        assertEquals(records.size(), adaptive.consumers());
    }
}
