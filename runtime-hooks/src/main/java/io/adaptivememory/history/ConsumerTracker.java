package io.adaptivememory.history;

import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.estimate.Estimate;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The consumers running in this JVM, from the moment their cap is decided to the moment their task
 * ends, in a fixed table of {@link #CAPACITY} entries (a consumer that finds it full is not
 * recorded, and counted).
 *
 * <p>Task threads {@link #start} consumers (the estimator's prediction is taken there, allocation
 * free) and {@link #endOnThisThread end} them when their task releases its memory; the history
 * thread {@link #sample samples} the live ones (their Flink objects' used memory, a dead task
 * thread's leftovers, and each slot's predicted demand for the policy) and {@link #drain drains}
 * the ended ones into records. Nothing here locks; a table entry is claimed with a
 * compare-and-set and cleared by the history thread only.
 */
public final class ConsumerTracker {

    public static final int CAPACITY = 512;
    /**
     * Headroom over a subtask's recent demand, in the plan grant feedback gives it and in what it
     * protects: a hash table's buckets grow with its records, and inputs vary.
     */
    public static final double FEEDBACK_MARGIN = 1.25;
    private static final long MIB = 1L << 20;

    private final AtomicReferenceArray<LiveConsumer> live = new AtomicReferenceArray<>(CAPACITY);
    private final DemandEstimator estimator;
    private final ThreadLocal<Estimate> estimates = ThreadLocal.withInitial(Estimate::new);
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param estimator predicts each consumer's demand at its start; null for none */
    public ConsumerTracker(DemandEstimator estimator) {
        this.estimator = estimator;
    }

    /**
     * A consumer of {@code slot} got its cap on this thread: Flink planned {@code requestedBytes},
     * the agent granted {@code grantedBytes}. Returns its live entry, or null when the table is full.
     *
     * <p>Its upper estimate, what the policy protects of its slot, is the estimator's, but at most
     * what its own vertex and subtask needed in their last two runs with grant feedback's margin
     * ({@link #withFeedbackMargin}) when it ran here before. The estimator's predictors pool a
     * vertex's subtasks, so after one run of a skewed job its figure is the hot subtask's demand,
     * with a margin as wide as the skew, and it would protect every cold sibling's whole share
     * until it ends: the hot sorter next to them could not borrow. A bound from the subtask's own
     * runs is its own history, so it may also bound the slot as a borrower.
     */
    public LiveConsumer start(TaskManagerPool pool, SlotAccount slot, ConsumerKind kind, boolean borrows,
            long requestedBytes, long grantedBytes) {
        LiveConsumer c = new LiveConsumer(pool, slot, kind, borrows, requestedBytes, grantedBytes, System.nanoTime());
        if (estimator != null) {
            Estimate e = estimates.get();
            estimator.estimate(c.vertexKey, kind, c.subtask, c.parallelism, requestedBytes, e);
            if (e.present()) {
                // A consumer that does not borrow never holds more than its plan, which is set
                // aside already: predicting more would only keep lenders' shares idle.
                long cap = borrows ? Long.MAX_VALUE : grantedBytes;
                long recent = estimator.recentDemandBytes(c.vertexKey, kind, c.subtask, c.parallelism);
                long ownBound = recent < 0 ? Long.MAX_VALUE : withFeedbackMargin(recent);
                c.predictedBytes = Math.min(cap, e.demandBytes());
                c.predictedUpperBytes = Math.min(cap, Math.min(ownBound, e.upperBoundBytes()));
                c.predictedFromOwnHistory = e.source() == Estimate.Source.KEY || ownBound <= e.upperBoundBytes();
            }
        }
        for (int i = 0; i < CAPACITY; i++) {
            if (live.get(i) == null && live.compareAndSet(i, null, c)) {
                started.incrementAndGet();
                return c;
            }
        }
        dropped.incrementAndGet();
        return null;
    }

    /**
     * What a consumer of {@code kind} about to plan on this thread needed in its own vertex and
     * subtask's last two runs (the larger; held plus spilled), or -1 when it has not run here:
     * grant feedback's input ({@link DemandEstimator#recentDemandBytes}). Allocates nothing.
     */
    public long recentDemandBytes(ConsumerKind kind) {
        if (estimator == null) {
            return -1;
        }
        String task = Thread.currentThread().getName();
        return estimator.recentDemandBytes(TaskIdentity.vertexKey(task), kind, TaskIdentity.subtask(task),
                TaskIdentity.parallelism(task));
    }

    /** {@code recentDemandBytes} times {@value #FEEDBACK_MARGIN}, in whole MiB: what a consumer that needed that may need again. */
    public static long withFeedbackMargin(long recentDemandBytes) {
        long wanted = (long) Math.ceil(recentDemandBytes * FEEDBACK_MARGIN);
        return (wanted + MIB - 1) / MIB * MIB;
    }

    /**
     * The task running on this thread released its memory: every consumer it started in
     * {@code slot} ends, with the task's input counters (-1: not known).
     */
    public void endOnThisThread(SlotAccount slot, long inputRecords, long inputBytes, ConsumerReader reader) {
        Thread self = Thread.currentThread();
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.thread == self && c.slot == slot) {
                c.inputRecords = inputRecords;
                c.inputBytes = inputBytes;
                end(c, reader);
            }
        }
    }

    /** The slot was freed: whatever of it is still live ends now. */
    public void endSlot(SlotAccount slot, ConsumerReader reader) {
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.slot == slot) {
                end(c, reader);
            }
        }
    }

    private static void end(LiveConsumer c, ConsumerReader reader) {
        if (!c.claimEnd()) {
            return;
        }
        Object consumer = c.consumer;
        long now = System.nanoTime();
        if (consumer != null) {
            c.notePeak(reader.usedBytes(consumer), now);
            c.spilledBytes = reader.spilledBytes(consumer);
            c.spillFiles = reader.spillFiles(consumer);
        }
        c.endNanos = now;
        c.endMillis = System.currentTimeMillis();
        c.ended = true;
    }

    /**
     * History thread: raises live consumers' peaks from their used memory, ends the consumers of
     * task threads that died without releasing, and publishes each slot's predicted demand (the
     * sum of its live consumers' upper estimates, -1 when none has one; it bounds a borrower only
     * when every live consumer's estimate comes from its own vertex's history).
     */
    public void sample(TaskManagerPool[] pools, ConsumerReader reader) {
        long now = System.nanoTime();
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c == null || c.ended) {
                continue;
            }
            Thread thread = c.thread;
            if (thread == null || !thread.isAlive()) {
                end(c, reader);
            } else if (c.consumer != null) {
                c.notePeak(reader.usedBytes(c.consumer), now);
            }
        }
        for (TaskManagerPool pool : pools) {
            for (SlotAccount slot : pool.slots()) {
                publishPredictedDemand(pool, slot);
            }
        }
    }

    /**
     * The sum of the slot's live consumers' upper estimates (-1 when none has one), bounding a
     * borrower only if every live consumer's estimate comes from its own vertex's history.
     */
    private void publishPredictedDemand(TaskManagerPool pool, SlotAccount slot) {
        long sum = -1;
        boolean ownHistory = true;
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.slot == slot && !c.ended) {
                ownHistory &= c.predictedFromOwnHistory;
                if (c.predictedUpperBytes >= 0) {
                    sum = Math.max(0, sum) + c.predictedUpperBytes;
                }
            }
        }
        pool.setPredictedDemand(slot, sum, ownHistory);
    }

    /** History thread: hands every ended consumer to {@code sink} and forgets it. */
    public void drain(Consumer<LiveConsumer> sink) {
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.ended) {
                live.set(i, null);
                sink.accept(c);
                c.forgetFlinkObjects();
                if (estimator != null && c.peakBytes() >= 0) {
                    long demand = c.peakBytes() + Math.max(0, c.spilledBytes);
                    estimator.observe(c.vertexKey, c.kind, c.subtask, c.parallelism, c.requestedBytes,
                            c.inputBytes, demand);
                }
            }
        }
    }

    /**
     * The Flink object bound to the first live consumer of {@code kind} started on this thread, or
     * null: what the agent counts itself for a consumer Flink keeps no counters for.
     */
    public Object boundOnThisThread(ConsumerKind kind) {
        Thread self = Thread.currentThread();
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.thread == self && c.kind == kind && !c.ended) {
                Object consumer = c.consumer;
                if (consumer != null) {
                    return consumer;
                }
            }
        }
        return null;
    }

    /** Whether a consumer of {@code kind} runs in {@code slot} (a shared resource is recorded once per slot). */
    public boolean hasLive(SlotAccount slot, ConsumerKind kind) {
        for (int i = 0; i < CAPACITY; i++) {
            LiveConsumer c = live.get(i);
            if (c != null && c.slot == slot && c.kind == kind && !c.ended) {
                return true;
            }
        }
        return false;
    }

    /** Consumers started and recorded so far. */
    public long started() {
        return started.get();
    }

    /** Consumers not recorded because the table was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Consumers started and not yet drained. */
    public int liveCount() {
        int n = 0;
        for (int i = 0; i < CAPACITY; i++) {
            if (live.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** What the tracker reads from a Flink consumer object; -1 when it does not say. */
    public interface ConsumerReader {
        long usedBytes(Object consumer);

        long spilledBytes(Object consumer);

        long spillFiles(Object consumer);
    }
}
