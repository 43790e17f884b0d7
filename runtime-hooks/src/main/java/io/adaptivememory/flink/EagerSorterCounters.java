package io.adaptivememory.flink;

import org.apache.flink.runtime.operators.sort.InMemorySorter;

import java.util.Collection;

/**
 * What an eager sorter ({@code ExternalSorter}: DataStream BATCH's sorted inputs) used, for the
 * history, which reads it through the same getters as flink-table-runtime's consumers
 * ({@link ConsumerProbe}). Flink counts neither for this sorter, so the agent does:
 *
 * <ul>
 *   <li>used memory: what its sort buffers hold ({@code InMemorySorter.getOccupancy()}: record
 *       bytes plus the index pages beyond the first, summed). A buffer keeps its occupancy until
 *       it is reset for reuse after being spilled, so at the end of a sorter that never spilled
 *       this is everything it held;
 *   <li>spill: the spill files deleted on its task thread while it runs. The sorter's runs and its
 *       final merge's inputs are deleted there when it closes; files of intermediate merges (more
 *       runs than the merge fan-in, 128 by default) are deleted on its spilling thread and are not
 *       counted, which only makes a large spill look smaller.
 * </ul>
 *
 * <p>The sort buffers are read by the history thread while the task thread writes them: a stale
 * read only lowers one sample.
 */
public final class EagerSorterCounters {

    private final InMemorySorter<?>[] sortBuffers;
    private volatile long spilledBytes;
    private volatile long spillFiles;

    EagerSorterCounters(Collection<? extends InMemorySorter<?>> sortBuffers) {
        this.sortBuffers = sortBuffers.toArray(new InMemorySorter<?>[0]);
    }

    /** A spill file of {@code bytes} was deleted on the sorter's task thread (that thread only). */
    void spilled(long bytes) {
        spilledBytes += bytes;
        spillFiles++;
    }

    public long getUsedMemoryInBytes() {
        long sum = 0;
        for (InMemorySorter<?> buffer : sortBuffers) {
            sum += buffer.getOccupancy();
        }
        return sum;
    }

    public long getSpillInBytes() {
        return spilledBytes;
    }

    public long getNumSpillFiles() {
        return spillFiles;
    }
}
