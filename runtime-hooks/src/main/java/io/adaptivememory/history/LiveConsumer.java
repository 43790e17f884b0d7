package io.adaptivememory.history;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One managed-memory consumer while it runs: what it asked for, what it got, what the estimator
 * expected, and the most it has held so far. Created once per consumer on its task thread (when
 * its cap is decided); its peak is raised on the refill path and by the history thread's samples
 * (plain volatile writes: a rare lost update only lowers one sample, and nothing on the hot path
 * allocates or locks); ended on its task thread, and turned into a {@link ConsumerRecord} on the
 * history thread.
 */
public final class LiveConsumer {

    final TaskManagerPool pool;
    final SlotAccount slot;
    /** The task thread; cleared once the record is written, so nothing here outlives the task. */
    volatile Thread thread;
    final String taskName;
    final long vertexKey;
    final int subtask;
    final int parallelism;
    final long startNanos;
    final long requestedBytes;
    /** The consumer's cap: its page pools' sizes (a sorter has one pool per sort buffer), or its eager plan. */
    private volatile long grantedBytes;
    /** Bytes the consumer's page pools hold, as of their last refills ({@link PoolUse}). */
    private final AtomicLong heldBytes = new AtomicLong();
    /** Whether the consumer copes with a refused page (a SQL sorter): its pages may be borrowed. */
    final boolean borrows;

    volatile ConsumerKind kind;
    /** The Flink object (sorter, hash table, hash map) whose spill counters are read at the end. */
    volatile Object consumer;
    volatile long predictedBytes = -1;
    volatile long predictedUpperBytes = -1;
    /** Whether the estimate came from this consumer's own vertex and kind. */
    volatile boolean predictedFromOwnHistory;
    private volatile long peakBytes;
    private volatile long peakNanos;
    private volatile boolean denied;

    // Written by the thread that ends the consumer, read by the history thread after `ended`.
    long endNanos;
    long endMillis;
    long spilledBytes = -1;
    long spillFiles = -1;
    long inputRecords = -1;
    long inputBytes = -1;
    volatile boolean ended;
    private final AtomicBoolean ending = new AtomicBoolean();

    LiveConsumer(TaskManagerPool pool, SlotAccount slot, ConsumerKind kind, boolean borrows, long requestedBytes,
            long grantedBytes, long nowNanos) {
        this.pool = pool;
        this.slot = slot;
        this.kind = kind;
        this.borrows = borrows;
        this.thread = Thread.currentThread();
        this.taskName = thread.getName();
        this.vertexKey = TaskIdentity.vertexKey(taskName);
        this.subtask = TaskIdentity.subtask(taskName);
        this.parallelism = TaskIdentity.parallelism(taskName);
        this.requestedBytes = requestedBytes;
        this.grantedBytes = grantedBytes;
        this.startNanos = nowNanos;
        this.peakNanos = nowNanos;
    }

    /** One more page pool of {@code bytes} belongs to this consumer (a sorter's next sort buffer). */
    public void addGranted(long bytes) {
        grantedBytes += bytes;
    }

    /** The consumer's page pools hold {@code bytes} more (or fewer, when negative); raises its peak. */
    public void addHeld(long bytes, long nowNanos) {
        notePeak(heldBytes.addAndGet(bytes), nowNanos);
    }

    /** The consumer holds {@code bytes} now; raises its peak. */
    public void notePeak(long bytes, long nowNanos) {
        if (bytes > peakBytes) {
            peakBytes = bytes;
            peakNanos = nowNanos;
        }
    }

    /**
     * The Flink object around the consumer's page pool was built: it names the kind (a window
     * operator's hash map is a window aggregation) and is read for spill counters at the end.
     */
    public void bind(Object flinkConsumer, ConsumerKind builtKind) {
        consumer = flinkConsumer;
        if (kind != ConsumerKind.SORT) {
            kind = builtKind == ConsumerKind.HASH_AGG && flinkConsumer.getClass().getSimpleName().startsWith("Window")
                    ? ConsumerKind.WINDOW_AGG
                    : builtKind;
        }
    }

    /** The pool refused it a page: it spills from here on. */
    public void noteDenied() {
        denied = true;
    }

    /**
     * Claims the right to end this consumer: true for exactly one caller (its task thread, the
     * thread freeing its slot, or the history thread finding its task thread dead).
     */
    boolean claimEnd() {
        return ending.compareAndSet(false, true);
    }

    public boolean isEnded() {
        return ended;
    }

    /**
     * Drops the references to the task thread and to Flink's consumer object once the record is
     * written: the page-pool table keeps this object while the pool lives, and the Flink object
     * holds the pool, so keeping it would keep both (and the job's class loader) forever.
     */
    void forgetFlinkObjects() {
        consumer = null;
        thread = null;
    }

    public ConsumerKind kind() {
        return kind;
    }

    /** Whether the Flink object around the consumer's pages is known yet. */
    public boolean isBound() {
        return consumer != null;
    }

    /** Whether this is a SQL sorter, which may borrow and spills on a refused page. */
    public boolean borrows() {
        return borrows;
    }

    public SlotAccount slot() {
        return slot;
    }

    long peakBytes() {
        return peakBytes;
    }

    long peakNanos() {
        return peakNanos;
    }

    boolean denied() {
        return denied;
    }

    /** The record of the ended consumer, with the TaskManager's and job's identity. */
    ConsumerRecord toRecord(String taskManager) {
        long lifetimeNanos = Math.max(0, endNanos - startNanos);
        return new ConsumerRecord(
                endMillis,
                taskManager,
                HistoryFormat.text(slot.jobId()),
                TaskIdentity.vertexId(vertexKey),
                HistoryFormat.text(TaskIdentity.operator(taskName)),
                kind,
                subtask,
                parallelism,
                slot.index(),
                pool.numberOfSlots(),
                slot.guaranteeBytes(),
                requestedBytes,
                grantedBytes,
                predictedBytes,
                predictedUpperBytes,
                peakBytes,
                Math.max(0, peakNanos - startNanos) / 1_000_000,
                lifetimeNanos / 1_000_000,
                spilledBytes,
                spillFiles,
                denied,
                inputRecords,
                inputBytes);
    }
}
