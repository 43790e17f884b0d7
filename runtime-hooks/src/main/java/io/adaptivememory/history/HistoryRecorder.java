package io.adaptivememory.history;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The history thread: every {@code intervalNanos} it samples the live consumers, turns the ended
 * ones into records (which also trains the online estimator, inside {@link ConsumerTracker#drain})
 * and appends them to the history files, and every {@code slotSampleNanos} writes one sample per
 * allocated slot. File I/O never runs on a task thread or on the controller thread, so a slow disk
 * can delay only the history. A failing cycle is reported to {@code onFailure} (the agent's
 * fail-open handler: logged once, counted) and the thread carries on; {@code beforeCycle} runs
 * first each time (the agent's test-only fault switch hooks in there). Without a writer (no
 * history directory) it still samples and trains the estimator.
 */
public final class HistoryRecorder implements AutoCloseable {

    private final ConsumerTracker tracker;
    private final HistoryWriter writer;
    private final String taskManager;
    private final Supplier<TaskManagerPool[]> pools;
    private final ConsumerTracker.ConsumerReader reader;
    private final long intervalNanos;
    private final long slotSampleNanos;
    private final Runnable beforeCycle;
    private final Consumer<Throwable> onFailure;
    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong samplesWritten = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private long lastSlotSampleNanos;
    private final Consumer<LiveConsumer> sink = this::write;
    /** Set by {@link #write} on the history thread, thrown by {@link #cycle}. */
    private IOException writeFailure;

    public HistoryRecorder(ConsumerTracker tracker, HistoryWriter writer, String taskManager,
            Supplier<TaskManagerPool[]> pools, ConsumerTracker.ConsumerReader reader, long intervalNanos,
            long slotSampleNanos, Runnable beforeCycle, Consumer<Throwable> onFailure) {
        this.tracker = tracker;
        this.writer = writer;
        this.taskManager = HistoryFormat.text(taskManager);
        this.pools = pools;
        this.reader = reader;
        this.intervalNanos = intervalNanos;
        this.slotSampleNanos = slotSampleNanos;
        this.beforeCycle = beforeCycle;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "adaptive-memory-history");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** One cycle; the thread runs it every interval (tests call it directly). */
    public void cycle(long nowNanos) throws IOException {
        TaskManagerPool[] current = pools.get();
        tracker.sample(current, reader);
        tracker.drain(sink);
        if (writeFailure != null) {
            IOException failed = writeFailure;
            writeFailure = null;
            throw failed;
        }
        if (writer == null) {
            return;
        }
        if (nowNanos - lastSlotSampleNanos >= slotSampleNanos) {
            lastSlotSampleNanos = nowNanos;
            long millis = System.currentTimeMillis();
            for (TaskManagerPool pool : current) {
                for (SlotAccount s : pool.slots()) {
                    writer.write(new SlotSample(millis, taskManager, HistoryFormat.text(s.jobId()), s.index(),
                            pool.numberOfSlots(), s.guaranteeBytes(), s.reservedBytes(), s.earmarkedBytes(),
                            s.limitBytes(), s.predictedDemandBytes()));
                    samplesWritten.incrementAndGet();
                }
            }
        }
        writer.flush();
    }

    /** Writes one ended consumer; the first failure of a cycle is kept and thrown after the drain. */
    private void write(LiveConsumer c) {
        if (writer == null || writeFailure != null) {
            return;
        }
        try {
            writer.write(c.toRecord(taskManager));
            recordsWritten.incrementAndGet();
        } catch (IOException e) {
            writeFailure = e;
        }
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(intervalNanos);
            try {
                beforeCycle.run();
                cycle(System.nanoTime());
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        }
    }

    public long recordsWritten() {
        return recordsWritten.get();
    }

    public long samplesWritten() {
        return samplesWritten.get();
    }

    /** Stops the thread after one last cycle, so consumers that ended are not lost. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
            if (!thread.isAlive()) {
                cycle(System.nanoTime());
            }
        } catch (Throwable t) {
            onFailure.accept(t);
        } finally {
            try {
                if (writer != null) {
                    writer.close();
                }
            } catch (IOException e) {
                onFailure.accept(e);
            }
        }
    }
}
