package io.adaptivememory.learn;

import static io.adaptivememory.learn.Fixtures.MIB;
import static io.adaptivememory.learn.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryReader;
import io.adaptivememory.history.SlotSample;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class RecommendTest {

    private static SlotSample sample(long timeMillis, int slot, long reservedBytes) {
        return new SlotSample(timeMillis, "tm", "job", slot, 4, 64 * MIB, reservedBytes, 0, 256 * MIB, -1);
    }

    /** A consumer of the TaskManager "tm" living in [end - lifetime, end). */
    private static ConsumerRecord consumer(ConsumerKind kind, int slot, long endMillis, long lifetimeMillis,
            long demandBytes) {
        return record(endMillis, "tm", "job", "v" + kind.id(), kind, slot, slot, 16 * MIB, demandBytes, 0,
                lifetimeMillis, MIB);
    }

    @Test
    void of_fixture_hottestSlotTimesSlotsWithHeadroom() throws IOException {
        HistoryReader.History history = HistoryReader.read(Fixtures.fixture());

        Recommendation r = Recommendation.of(history.consumers(), history.slots(), 0.1);

        // run 3's sort subtask 0 needed 180 MiB alone in slot 0: 4 x 180 x 1.1
        assertEquals(792 * MIB, r.managedBytes());
        assertEquals(74 * MIB, r.usedPeakBytes());
        assertEquals(4, r.slots());
        assertEquals(Map.of(ConsumerFamily.OPERATOR, 100, ConsumerFamily.STATE_BACKEND, 0, ConsumerFamily.PYTHON, 0),
                r.weights());
        assertTrue(r.managedBytes() >= r.usedPeakBytes());
    }

    @Test
    void of_reservedPeakAboveEveryDemand_neverBelowWhatWasUsed() {
        List<ConsumerRecord> consumers = List.of(consumer(ConsumerKind.SORT, 0, 2_000, 1_000, 10 * MIB));
        List<SlotSample> samples = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            samples.add(sample(1_000, slot, 100 * MIB));
            samples.add(sample(2_000, slot, 225 * MIB));
            // one slot at its highest on its own: not at one time with the others
            samples.add(sample(3_000 + slot, slot, 240 * MIB));
        }

        double[] headrooms = {0, 0.1, 0.5};
        long[] expectedMiB = {900, 990, 1350};
        for (int i = 0; i < headrooms.length; i++) {
            Recommendation r = Recommendation.of(consumers, samples, headrooms[i]);

            assertEquals(900 * MIB, r.usedPeakBytes());
            assertEquals(expectedMiB[i] * MIB, r.managedBytes());
            assertTrue(r.managedBytes() >= r.usedPeakBytes());
        }
    }

    @Test
    void of_taskManagerWithSamplesButNoUsableConsumer_itsUseStillAFloor() {
        List<ConsumerRecord> consumers = List.of(consumer(ConsumerKind.SORT, 0, 2_000, 1_000, 10 * MIB));
        List<SlotSample> samples = List.of(
                new SlotSample(1_000, "other-tm", "job", 0, 2, 64 * MIB, 100 * MIB, 0, 128 * MIB, -1),
                new SlotSample(1_000, "other-tm", "job", 1, 2, 64 * MIB, 60 * MIB, 0, 128 * MIB, -1));

        Recommendation r = Recommendation.of(consumers, samples, 0);

        assertEquals(160 * MIB, r.usedPeakBytes());
        assertEquals(160 * MIB, r.managedBytes());
    }

    @Test
    void of_twoFamiliesInOneSlot_sizedSoTheWeightedShareCoversEach() {
        // operators 60 + 60 MiB, RocksDB 40 MiB: weights 75 / 25. Slot 0 holds both, so RocksDB gets a quarter of
        // the slot: it needs 40 x 100 / 25 = 160 MiB of slot; slot 1 (operators only) needs 60.
        List<ConsumerRecord> consumers = List.of(
                consumer(ConsumerKind.SORT, 0, 2_000, 1_000, 60 * MIB),
                consumer(ConsumerKind.ROCKSDB, 0, 5_000, 5_000, 40 * MIB),
                consumer(ConsumerKind.HASH_JOIN, 1, 2_000, 1_000, 60 * MIB));

        Recommendation r = Recommendation.of(consumers, List.of(), 0);

        assertEquals(Map.of(ConsumerFamily.OPERATOR, 75, ConsumerFamily.STATE_BACKEND, 25, ConsumerFamily.PYTHON, 0),
                r.weights());
        assertEquals(4 * 160 * MIB, r.managedBytes());
        assertTrue(r.configYaml().contains("taskmanager.memory.managed.consumer-weights: OPERATOR:75,"
                + "STATE_BACKEND:25,PYTHON:0\n"), r.configYaml());
    }

    @Test
    void peakDemand_overlapsSumHandoversDoNotZeroLifetimesCount() {
        List<ConsumerRecord> consumers = List.of(
                consumer(ConsumerKind.SORT, 0, 2_000, 1_000, 10 * MIB),
                // starts as the first ends: a handover
                consumer(ConsumerKind.SORT, 0, 3_000, 1_000, 20 * MIB),
                // overlaps the second
                consumer(ConsumerKind.HASH_AGG, 0, 2_500, 100, 5 * MIB),
                // lives for no measurable time, alone
                consumer(ConsumerKind.HASH_AGG, 0, 9_000, 0, 30 * MIB));

        assertEquals(30 * MIB, Recommendation.peakDemand(consumers, c -> true));
        assertEquals(25 * MIB, Recommendation.peakDemand(consumers.subList(0, 3), c -> true));
    }

    @Test
    void run_fixture_printsConfigYamlWithEvidence() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = Recommend.run(List.of("--history", Fixtures.fixture().toString()),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("\ntaskmanager.memory.managed.size: 792m\n"), out);
        assertTrue(out.contains("\ntaskmanager.memory.managed.consumer-weights: OPERATOR:100,STATE_BACKEND:0,"
                + "PYTHON:0\n"), out);
        assertTrue(out.contains("\ntaskmanager.numberOfTaskSlots: 4\n"), out);
        assertTrue(out.contains("# effect: the sort consumer of vertex v1a2b3c4 (Sort, subtask 0) spilled 148.0 MiB"
                + " at a share of 64.0 MiB; at this size its slot's share is 198.0 MiB and it needed 180.0 MiB:"
                + " it would not spill\n"), out);
        assertTrue(out.contains("# evidence: at most 74.0 MiB were reserved at once"), out);
    }

    @Test
    void run_realHistories_neverBelowWhatWasUsed() throws IOException {
        Path real = Fixtures.real();
        HistoryReader.History history = HistoryReader.read(real);

        Recommendation r = Recommendation.of(history.consumers(), history.slots(), 0.1);

        assertTrue(r.managedBytes() >= r.usedPeakBytes());
        assertEquals(0, Recommend.run(List.of("--history", real.toString()), Fixtures.QUIET));
    }

    @Test
    void run_badHeadroom_usageError() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = Recommend.run(List.of("--history", "h", "--headroom", "-0.5"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(2, code);
        assertEquals("error: --headroom must be a number from 0.0 to 10.0, not '-0.5'\nusage: " + Recommend.USAGE
                + "\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
