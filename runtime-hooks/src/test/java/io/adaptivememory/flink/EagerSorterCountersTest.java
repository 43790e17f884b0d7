package io.adaptivememory.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.api.common.typeutils.base.LongComparator;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.runtime.operators.sort.NormalizedKeySorter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** What the history reads from an eager sorter, on Flink's own sort buffers. */
class EagerSorterCountersTest {

    private static final int PAGE = 32 * 1024;

    private static NormalizedKeySorter<Long> sortBuffer(int pages) {
        List<MemorySegment> memory = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            memory.add(MemorySegmentFactory.allocateUnpooledSegment(PAGE));
        }
        return new NormalizedKeySorter<>(LongSerializer.INSTANCE, new LongComparator(true), memory);
    }

    @Test
    void usedMemory_sumsWhatTheSortBuffersHold_andKeepsItAfterDispose() throws Exception {
        NormalizedKeySorter<Long> first = sortBuffer(8);
        NormalizedKeySorter<Long> second = sortBuffer(8);
        EagerSorterCounters counters = new EagerSorterCounters(List.of(first, second));
        assertEquals(0, counters.getUsedMemoryInBytes(), "nothing written yet");

        for (long i = 0; i < 1000; i++) {
            assertTrue(first.write(i));
        }
        for (long i = 0; i < 10; i++) {
            assertTrue(second.write(i));
        }
        long held = first.getOccupancy() + second.getOccupancy();
        // 8 bytes per record; Flink counts the index by the pages it took beyond its first.
        assertTrue(held >= 1010 * 8, "held " + held);
        assertEquals(held, counters.getUsedMemoryInBytes());

        first.reset();
        long afterReset = first.getOccupancy() + second.getOccupancy();
        assertTrue(afterReset < held, "a buffer reset for reuse after a spill starts over");
        assertEquals(afterReset, counters.getUsedMemoryInBytes());

        // ExternalSorter.close() disposes its buffers; what they held is still read at the task's end.
        first.dispose();
        second.dispose();
        assertEquals(afterReset, counters.getUsedMemoryInBytes());
    }

    @Test
    void spill_countsTheFilesDeletedForTheSorter() {
        EagerSorterCounters counters = new EagerSorterCounters(List.of(sortBuffer(4)));
        assertEquals(0, counters.getSpillInBytes());
        assertEquals(0, counters.getNumSpillFiles());

        counters.spilled(3 * PAGE);
        counters.spilled(PAGE);

        assertEquals(4 * PAGE, counters.getSpillInBytes());
        assertEquals(2, counters.getNumSpillFiles());
    }

    @Test
    void consumerProbe_readsTheCountersByTheirGetters() {
        EagerSorterCounters counters = new EagerSorterCounters(List.of(sortBuffer(4)));
        counters.spilled(PAGE);

        assertEquals(PAGE, ConsumerProbe.spilledBytes(counters));
        assertEquals(1, ConsumerProbe.spillFiles(counters));
        assertEquals(counters.getUsedMemoryInBytes(), ConsumerProbe.usedBytes(counters));
    }
}
