package io.adaptivememory.flink;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerTracker;

import org.apache.flink.runtime.io.disk.iomanager.FileIOChannel;

import java.io.File;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes Flink's operators spilled to disk. Every spill file (sorter runs, hash-join
 * partitions, spilled window buffers) is an IOManager channel under {@code io.tmp.dirs}, and
 * every one is deleted through {@code AbstractFileIOChannel.deleteChannel} when it is no longer
 * needed; its size just before deletion is what was spilled. Blocking-shuffle files are not
 * IOManager channels and are not counted. A file deleted on the task thread of an eager sorter is
 * also counted as that sorter's spill ({@link EagerSorterCounters}): Flink counts it nowhere else.
 */
public final class SpillAccounting {

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();

    void onChannelDeleted(Object channelId, ConsumerTracker consumers) {
        File file = ((FileIOChannel.ID) channelId).getPathFile();
        long length = file.length();
        if (length > 0) {
            bytes.addAndGet(length);
            files.incrementAndGet();
            Object sorter = consumers == null ? null : consumers.boundOnThisThread(ConsumerKind.DATASTREAM_SORT);
            if (sorter instanceof EagerSorterCounters counters) {
                counters.spilled(length);
            }
        }
    }

    public long spilledBytes() {
        return bytes.get();
    }

    public long spilledFiles() {
        return files.get();
    }
}
