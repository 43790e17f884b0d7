package io.adaptivememory.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.estimate.Estimate;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

class ConsumerTrackerTest {

    private static final long MIB = 1 << 20;
    private static final long SLOT_BYTES = 64 * MIB;

    /** A Flink consumer as the tracker sees it: what its getters would say. */
    private record FakeFlinkConsumer(long usedBytes, long spilledBytes, long spillFiles) {}

    private static final ConsumerTracker.ConsumerReader READER = new ConsumerTracker.ConsumerReader() {
        @Override
        public long usedBytes(Object consumer) {
            return ((FakeFlinkConsumer) consumer).usedBytes();
        }

        @Override
        public long spilledBytes(Object consumer) {
            return ((FakeFlinkConsumer) consumer).spilledBytes();
        }

        @Override
        public long spillFiles(Object consumer) {
            return ((FakeFlinkConsumer) consumer).spillFiles();
        }
    };

    private final TaskManagerPool pool = new TaskManagerPool(0, 4 * SLOT_BYTES, 4, SLOT_BYTES,
            Settings.DEFAULT_FLOOR_FRACTION, 0, 0, AllocationPolicy.of(PolicyKind.ADAPTIVE));
    private final SlotAccount slotA = pool.register("job-a", "alloc-a", SLOT_BYTES);
    private final SlotAccount slotB = pool.register("job-b", "alloc-b", SLOT_BYTES);

    private static List<ConsumerRecord> drain(ConsumerTracker tracker) {
        List<ConsumerRecord> out = new ArrayList<>();
        tracker.drain(c -> out.add(c.toRecord("tm")));
        return out;
    }

    @Test
    void boundOnThisThread_theLiveBoundConsumerOfThatKindStartedHere() throws Exception {
        ConsumerTracker tracker = new ConsumerTracker(null);
        FakeFlinkConsumer sorter = new FakeFlinkConsumer(0, 0, 0);
        tracker.start(pool, slotA, ConsumerKind.SORT, true, 64 * MIB, 64 * MIB).bind(new FakeFlinkConsumer(0, 0, 0),
                ConsumerKind.SORT);
        LiveConsumer unbound = tracker.start(pool, slotA, ConsumerKind.DATASTREAM_SORT, false, 64 * MIB, 64 * MIB);
        assertNull(tracker.boundOnThisThread(ConsumerKind.DATASTREAM_SORT), "not bound yet");

        unbound.bind(sorter, ConsumerKind.DATASTREAM_SORT);
        assertSame(sorter, tracker.boundOnThisThread(ConsumerKind.DATASTREAM_SORT));
        Object[] elsewhere = new Object[1];
        Thread other = new Thread(() -> elsewhere[0] = tracker.boundOnThisThread(ConsumerKind.DATASTREAM_SORT));
        other.start();
        other.join();
        assertNull(elsewhere[0], "another thread's consumer");

        tracker.endOnThisThread(slotA, -1, -1, READER);
        assertNull(tracker.boundOnThisThread(ConsumerKind.DATASTREAM_SORT), "ended");
    }

    @Test
    void taskEnd_endsOnlyThatSlotsConsumersOfThisThread_withFlinksCounters() {
        ConsumerTracker tracker = new ConsumerTracker(null);
        LiveConsumer sorter = tracker.start(pool, slotA, ConsumerKind.SORT, true, 64 * MIB, 104 * MIB);
        sorter.addGranted(104 * MIB);
        sorter.addHeld(16 * MIB, System.nanoTime());
        sorter.addHeld(32 * MIB, System.nanoTime());
        sorter.bind(new FakeFlinkConsumer(20 * MIB, 7 * MIB, 2), ConsumerKind.SORT);
        sorter.noteDenied();
        tracker.start(pool, slotB, ConsumerKind.ROCKSDB, false, 64 * MIB, 64 * MIB).notePeak(64 * MIB, 0);

        tracker.endOnThisThread(slotA, 1000, 123_456, READER);
        List<ConsumerRecord> ended = drain(tracker);

        assertEquals(1, ended.size());
        ConsumerRecord r = ended.get(0);
        assertEquals(ConsumerKind.SORT, r.kind());
        assertEquals("job-a", r.job());
        assertEquals(64 * MIB, r.requestedBytes());
        assertEquals(208 * MIB, r.grantedBytes(), "two sort buffers' pools");
        assertEquals(48 * MIB, r.peakBytes(), "the pages its pools were given, above Flink's used-memory reading");
        assertEquals(7 * MIB, r.spilledBytes());
        assertEquals(2, r.spillFiles());
        assertTrue(r.denied());
        assertEquals(1000, r.inputRecords());
        assertEquals(123_456, r.inputBytes());
        assertEquals(SLOT_BYTES, r.shareBytes());
        assertEquals(4, r.slots());
        assertEquals(1, tracker.liveCount(), "slot B's consumer still runs");
    }

    @Test
    void poolUses_sumTheirPoolsAndFollowACacheFreedBetweenRefills() {
        ConsumerTracker tracker = new ConsumerTracker(null);
        LiveConsumer sorter = tracker.start(pool, slotA, ConsumerKind.SORT, true, SLOT_BYTES, SLOT_BYTES);
        PoolUse first = new PoolUse(sorter);
        PoolUse second = new PoolUse(sorter);

        first.refilled(16 * MIB, 1);
        second.refilled(16 * MIB, 2);
        first.refilled(32 * MIB, 3);
        // The first pool freed its cache and handed out 2 MiB since: its refill shows 2 + 6 MiB.
        first.refilled(8 * MIB, 4);
        second.refilled(20 * MIB, 5);

        assertEquals(48 * MIB, sorter.peakBytes(), "16 + 32 at the third refill");
        assertEquals(3, sorter.peakNanos());
        tracker.endOnThisThread(slotA, -1, -1, READER);
        assertEquals(48 * MIB, drain(tracker).get(0).peakBytes());
    }

    @Test
    void drained_forgetsTheTaskThreadAndFlinksObject_soThePoolTableCannotPinThem() {
        ConsumerTracker tracker = new ConsumerTracker(null);
        LiveConsumer c = tracker.start(pool, slotA, ConsumerKind.HASH_JOIN, false, MIB, MIB);
        c.bind(new FakeFlinkConsumer(MIB, 0, 0), ConsumerKind.HASH_JOIN);
        tracker.endOnThisThread(slotA, 1, 1, READER);

        drain(tracker);

        assertNull(c.consumer);
        assertNull(c.thread);
    }

    @Test
    void endedTwice_fromTaskAndSlotFree_recordedOnce() {
        ConsumerTracker tracker = new ConsumerTracker(null);
        tracker.start(pool, slotA, ConsumerKind.SORT, true, MIB, MIB);

        tracker.endOnThisThread(slotA, 7, 70, READER);
        tracker.endSlot(slotA, READER);

        List<ConsumerRecord> ended = drain(tracker);
        assertEquals(1, ended.size());
        assertEquals(70, ended.get(0).inputBytes(), "the first end wins");
    }

    @Test
    void slotFreed_endsItsConsumersOfAnyThread() throws InterruptedException {
        ConsumerTracker tracker = new ConsumerTracker(null);
        Thread other = new Thread(() -> tracker.start(pool, slotA, ConsumerKind.HASH_JOIN, false, MIB, MIB),
                "HashJoin[3] (2/4)#0");
        other.start();
        other.join();

        tracker.endSlot(slotA, READER);
        List<ConsumerRecord> ended = drain(tracker);

        assertEquals(1, ended.size());
        assertEquals(1, ended.get(0).subtask());
        assertEquals(4, ended.get(0).parallelism());
        assertEquals("HashJoin", ended.get(0).operator());
        assertEquals(-1, ended.get(0).inputBytes(), "no task counters when the slot is freed");
    }

    @Test
    void sample_deadTaskThread_endsItsConsumer() throws InterruptedException {
        ConsumerTracker tracker = new ConsumerTracker(null);
        Thread task = new Thread(() -> tracker.start(pool, slotA, ConsumerKind.SORT, true, MIB, MIB), "Sort (1/1)#0");
        task.start();
        task.join();

        tracker.sample(new TaskManagerPool[] {pool}, READER);

        assertEquals(1, drain(tracker).size());
        assertEquals(0, tracker.liveCount());
    }

    @Test
    void fullTable_consumerIsNotRecordedAndCounted() {
        ConsumerTracker tracker = new ConsumerTracker(null);
        for (int i = 0; i < ConsumerTracker.CAPACITY; i++) {
            assertNotNull(tracker.start(pool, slotA, ConsumerKind.OTHER, false, MIB, MIB));
        }

        assertNull(tracker.start(pool, slotA, ConsumerKind.OTHER, false, MIB, MIB));
        assertEquals(1, tracker.dropped());
        assertEquals(ConsumerTracker.CAPACITY, tracker.started());
    }

    @Test
    void withEstimator_learnsFromEndedConsumers_thenPublishesSlotsPredictedDemand() throws InterruptedException {
        DemandEstimator estimator = DemandEstimator.builder().build();
        ConsumerTracker tracker = new ConsumerTracker(estimator);
        for (int run = 0; run < 4; run++) {
            LiveConsumer c = tracker.start(pool, slotA, ConsumerKind.SORT, true, SLOT_BYTES, SLOT_BYTES);
            c.addHeld(40 * MIB, System.nanoTime());
            tracker.endOnThisThread(slotA, 1, 1, READER);
            drain(tracker);
        }
        assertEquals(4, estimator.observations());

        LiveConsumer next = tracker.start(pool, slotA, ConsumerKind.SORT, true, SLOT_BYTES, SLOT_BYTES);
        tracker.sample(new TaskManagerPool[] {pool}, READER);

        assertEquals(40 * MIB, next.predictedBytes, "the same demand every time");
        assertEquals(next.predictedUpperBytes, slotA.predictedDemandBytes());
        assertTrue(slotA.predictedDemandBounds(), "its own vertex's history: it may bound the slot as a borrower");
        assertEquals(-1, slotB.predictedDemandBytes(), "no running consumer, no estimate");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch sampled = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            tracker.start(pool, slotA, ConsumerKind.SORT, true, SLOT_BYTES, SLOT_BYTES);
            started.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "Sort[9] -> Calc[10] (1/1)#0");
        other.start();
        started.await();
        tracker.sample(new TaskManagerPool[] {pool}, READER);
        sampled.countDown();
        other.join();
        assertTrue(slotA.predictedDemandBytes() > next.predictedUpperBytes, "the new vertex's sorter has the kind's estimate");
        assertFalse(slotA.predictedDemandBounds(), "a kind's average protects lenders but never bounds a borrower");
        tracker.endOnThisThread(slotA, 1, 1, READER);
        drain(tracker);
        tracker.sample(new TaskManagerPool[] {pool}, READER);
        assertEquals(-1, slotA.predictedDemandBytes(), "its consumer ended");
    }

    /**
     * One run of a skewed sort (subtask 1 held its 64 MiB share and spilled 46 MiB, its three
     * siblings held 16 MiB) teaches the estimator a pooled figure near the hot subtask's demand.
     * On the next run the cold siblings must protect what they themselves needed, not that, or
     * the hot slot's entitlement stays at its share and its sorter spills again.
     */
    @Test
    void skewedVertex_nextRunSiblingsProtectWhatTheirOwnSubtaskNeeded_soTheHotSlotMayBorrow() throws Exception {
        TaskManagerPool fourSlots = new TaskManagerPool(1, 4 * SLOT_BYTES, 4, SLOT_BYTES,
                Settings.DEFAULT_FLOOR_FRACTION, 0, 0, AllocationPolicy.of(PolicyKind.ADAPTIVE));
        SlotAccount[] slots = new SlotAccount[4];
        for (int i = 0; i < 4; i++) {
            slots[i] = fourSlots.register("job", "alloc-" + i, SLOT_BYTES);
        }
        DemandEstimator estimator = DemandEstimator.builder().build();
        ConsumerTracker tracker = new ConsumerTracker(estimator);
        LiveConsumer[] nextRun = new LiveConsumer[4];
        CountDownLatch started = new CountDownLatch(4);
        CountDownLatch sampled = new CountDownLatch(1);
        Thread[] subtasks = new Thread[4];
        for (int run = 0; run < 2; run++) {
            boolean first = run == 0;
            for (int i = 0; i < 4; i++) {
                int index = i;
                subtasks[i] = new Thread(() -> {
                    LiveConsumer c = tracker.start(fourSlots, slots[index], ConsumerKind.SORT, true, SLOT_BYTES, SLOT_BYTES);
                    if (first) {
                        long held = index == 0 ? SLOT_BYTES : 16 * MIB;
                        c.addHeld(held, System.nanoTime());
                        c.bind(new FakeFlinkConsumer(held, index == 0 ? 46 * MIB : 0, 0), ConsumerKind.SORT);
                        tracker.endOnThisThread(slots[index], 1, 1, READER);
                    } else {
                        nextRun[index] = c;
                        started.countDown();
                        try {
                            sampled.await(); // a live task thread keeps its consumer live
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, "Sort[4] -> SortAggregate[5] (" + (i + 1) + "/4)#0");
                subtasks[i].start();
            }
            if (first) {
                for (Thread t : subtasks) {
                    t.join();
                }
                drain(tracker);
            }
        }
        started.await();
        for (int i = 0; i < 4; i++) {
            assertTrue(fourSlots.reserve(slots[i], 3 * MIB), "each sorter's first pages");
        }
        tracker.sample(new TaskManagerPool[] {fourSlots}, READER);
        Estimate pooled = new Estimate();
        estimator.estimate(nextRun[1].vertexKey, ConsumerKind.SORT, 1, 4, SLOT_BYTES, pooled);
        assertTrue(pooled.upperBoundBytes() >= SLOT_BYTES,
                "the estimator's pooled figure would protect a cold sibling's whole share: " + pooled);

        assertEquals(20 * MIB, slots[1].predictedDemandBytes(), "16 MiB with grant feedback's margin");
        assertTrue(slots[1].predictedDemandBounds(), "its own subtask's history");
        assertEquals(138 * MIB, slots[0].predictedDemandBytes(), "the hot subtask's 110 MiB with the margin");
        fourSlots.policy().rebalance(fourSlots, System.nanoTime());
        assertEquals(4 * SLOT_BYTES - 3 * 20 * MIB, slots[0].limitBytes(),
                "the hot slot may grow into all the cold siblings do not protect");
        sampled.countDown();
        for (Thread t : subtasks) {
            t.join();
        }
    }

    @Test
    void recentDemandBytes_thisSubtasksLastTwoRunsOnly() throws Exception {
        DemandEstimator estimator = DemandEstimator.builder().build();
        ConsumerTracker tracker = new ConsumerTracker(estimator);
        long[] spilled = {60 * MIB, 0, 10 * MIB};
        long[] seen = new long[8];
        Thread task = new Thread(() -> {
            seen[0] = tracker.recentDemandBytes(ConsumerKind.HASH_JOIN);
            for (int run = 0; run < spilled.length; run++) {
                LiveConsumer c = tracker.start(pool, slotA, ConsumerKind.HASH_JOIN, false, SLOT_BYTES, SLOT_BYTES);
                c.addHeld(SLOT_BYTES, System.nanoTime());
                c.bind(new FakeFlinkConsumer(SLOT_BYTES, spilled[run], 3), ConsumerKind.HASH_JOIN);
                tracker.endOnThisThread(slotA, 1, 1, READER);
                drain(tracker);
                seen[1 + run] = tracker.recentDemandBytes(ConsumerKind.HASH_JOIN);
            }
            seen[4] = tracker.recentDemandBytes(ConsumerKind.HASH_AGG);
        }, "HashJoin[3] -> Calc[4] (2/4)#0");
        task.start();
        task.join();
        String[] others = {"HashJoin[3] -> Calc[4] (3/4)#0", "HashJoin[3] -> Calc[4] (2/8)#0", "HashJoin[7] -> Calc[8] -> LocalHashAggregate[9] (2/4)#0"};
        for (int i = 0; i < others.length; i++) {
            int slot = 5 + i;
            Thread t = new Thread(() -> seen[slot] = tracker.recentDemandBytes(ConsumerKind.HASH_JOIN), others[i]);
            t.start();
            t.join();
        }

        assertEquals(-1, seen[0], "nothing seen yet");
        assertEquals(124 * MIB, seen[1], "what it held plus what it spilled");
        assertEquals(124 * MIB, seen[2], "the larger of the last two runs");
        assertEquals(74 * MIB, seen[3], "the larger of the last two runs, once the big one is older");
        assertEquals(-1, seen[4], "another kind of the same vertex");
        assertEquals(-1, seen[5], "another subtask");
        assertEquals(-1, seen[6], "the same subtask index at another parallelism");
        assertEquals(-1, seen[7], "another vertex");
    }

    @Test
    void recorderCycle_writesEndedConsumersAndSlotSamples(@TempDir Path dir) throws IOException {
        ConsumerTracker tracker = new ConsumerTracker(null);
        HistoryWriter writer = HistoryWriter.open(dir, "tm-1", 64 * MIB);
        HistoryRecorder recorder = new HistoryRecorder(tracker, writer, "tm-1", () -> new TaskManagerPool[] {pool},
                READER, Long.MAX_VALUE / 4, 0, () -> { }, t -> {
                    throw new AssertionError(t);
                });
        tracker.start(pool, slotA, ConsumerKind.HASH_AGG, false, 16 * MIB, 16 * MIB).addHeld(16 * MIB, 0);
        tracker.endOnThisThread(slotA, 5, 50, READER);

        recorder.cycle(System.nanoTime());
        recorder.close();

        HistoryReader.History h = HistoryReader.read(dir);
        assertEquals(List.of(), h.problems());
        assertEquals(1, h.consumers().size());
        assertEquals(ConsumerKind.HASH_AGG, h.consumers().get(0).kind());
        assertEquals("tm-1", h.consumers().get(0).taskManager());
        assertTrue(h.slots().size() >= 2, "a sample per allocated slot: " + h.slots());
        assertEquals(1, recorder.recordsWritten());
    }
}
