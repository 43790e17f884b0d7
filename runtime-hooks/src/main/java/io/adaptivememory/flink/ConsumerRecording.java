package io.adaptivememory.flink;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerTracker;
import io.adaptivememory.history.LiveConsumer;

import org.apache.flink.runtime.metrics.groups.TaskIOMetricGroup;
import org.apache.flink.runtime.operators.sort.InMemorySorter;

import java.util.Collection;

/**
 * Tells the {@link ConsumerTracker} about consumers as the sizing hooks see them, on the task
 * thread. A table operator's plan ({@code computeMemorySize} inside the operator) is remembered on
 * its thread until the page pool it sizes is built; the pool's construction starts the consumer,
 * and the constructor of the Flink object around the pool (sorter, hash table, hash map) names its
 * kind and is kept to read its spill counters at the end. Eager plans and shared resources start
 * a consumer at once.
 *
 * <p>Recording never changes a sizing decision: every entry point catches its own failures and
 * reports them to {@link FailOpen} under {@link Hook#HISTORY}.
 */
final class ConsumerRecording {

    /** What this thread's last table sizing planned, until a page pool consumes it. */
    private static final class ThreadState {
        Governed planned;
        long plannedRequestedBytes;
        /** The kind the planning table operator's class says it is, or null. */
        ConsumerKind plannedKind;
        /**
         * The consumer started by the page pool (or eager sorter plan) built last on this thread,
         * until its owner is built.
         */
        LiveConsumer building;
        /** The type of the shared resource being sized on this thread ({@code getSharedMemoryResource...}). */
        String sharedType;
        /** Flink's size for the sorter being built on this thread. */
        long sorterRequestedBytes;
    }

    private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);
    private static final ConsumerTracker.ConsumerReader READER = new ConsumerTracker.ConsumerReader() {
        @Override
        public long usedBytes(Object consumer) {
            return ConsumerProbe.usedBytes(consumer);
        }

        @Override
        public long spilledBytes(Object consumer) {
            return ConsumerProbe.spilledBytes(consumer);
        }

        @Override
        public long spillFiles(Object consumer) {
            return ConsumerProbe.spillFiles(consumer);
        }
    };

    private ConsumerRecording() {}

    static ConsumerTracker.ConsumerReader reader() {
        return READER;
    }

    private static ConsumerTracker tracker() {
        AgentRuntime rt = AgentRuntime.current();
        return rt == null ? null : rt.consumers();
    }

    /**
     * A table operator planned {@code requestedBytes} (Flink's size) in the governed slot;
     * {@code kind} is what its class says it is, or null.
     */
    static void tablePlanned(Governed g, long requestedBytes, ConsumerKind kind) {
        try {
            ThreadState s = STATE.get();
            s.planned = g;
            s.plannedRequestedBytes = requestedBytes;
            s.plannedKind = kind;
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    /**
     * A plan outside any table operator got its size: an eager plan ({@code computeNumberOfPages}:
     * DataStream BATCH sorters, merge iterators), or a {@code computeMemorySize} plan, which is a
     * shared resource's (RocksDB, Python) or, outside one, another consumer's. It holds its plan
     * from now on. A shared resource is created once per slot, so it is recorded once per slot.
     */
    static void eagerPlanned(Governed g, boolean numberOfPages, long requestedBytes, long grantedBytes) {
        try {
            ConsumerTracker tracker = tracker();
            if (tracker == null) {
                return;
            }
            ConsumerKind kind = numberOfPages ? ConsumerKind.DATASTREAM_SORT : sharedKind(STATE.get().sharedType);
            if (kind != ConsumerKind.DATASTREAM_SORT && kind != ConsumerKind.OTHER && tracker.hasLive(g.slot, kind)) {
                return;
            }
            LiveConsumer c = tracker.start(g.pool, g.slot, kind, false, requestedBytes, grantedBytes);
            if (c == null) {
                return;
            }
            if (numberOfPages && GrantFeedback.buildingEagerSorter()) {
                // What an eager sorter uses is read from its sort buffers once they are built.
                STATE.get().building = c;
            } else {
                c.notePeak(grantedBytes, System.nanoTime());
            }
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    private static ConsumerKind sharedKind(String type) {
        if (type == null) {
            return ConsumerKind.OTHER;
        }
        if (type.contains("rocks")) {
            return ConsumerKind.ROCKSDB;
        }
        return type.contains("python") ? ConsumerKind.PYTHON : ConsumerKind.OTHER;
    }

    static void enterSharedResource(String type) {
        try {
            STATE.get().sharedType = type;
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    static void exitSharedResource() {
        try {
            STATE.get().sharedType = null;
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    /**
     * A page pool of {@code grantedBytes} was built in the governed slot: a sorter's when
     * {@code sorter} (Flink's size for it is what its constructor was given), else a table
     * operator's if one planned on this thread. Returns the live consumer, or null when nothing is
     * recorded for this pool.
     */
    static LiveConsumer poolBuilt(Governed g, boolean sorter, long grantedBytes) {
        ThreadState s = STATE.get();
        try {
            ConsumerTracker tracker = tracker();
            LiveConsumer sameSorter = s.building;
            if (sorter && sameSorter != null && sameSorter.kind() == ConsumerKind.SORT && !sameSorter.isBound()
                    && sameSorter.slot() == g.slot) {
                // The sorter's next sort buffer: the same consumer.
                sameSorter.addGranted(grantedBytes);
                return sameSorter;
            }
            boolean plannedHere = s.planned == g;
            s.building = null;
            if (tracker == null || (!sorter && !plannedHere)) {
                return null;
            }
            long requested = sorter ? s.sorterRequestedBytes : s.plannedRequestedBytes;
            s.planned = null;
            // Only sorters refill page by page and cope with "no page"; a raised hash table's plan is earmarked whole.
            boolean borrows = sorter && g.pool.policy().lends();
            ConsumerKind kind = sorter ? ConsumerKind.SORT : s.plannedKind == null ? ConsumerKind.OTHER : s.plannedKind;
            LiveConsumer c = tracker.start(g.pool, g.slot, kind, borrows, requested, grantedBytes);
            s.building = c;
            return c;
        } catch (Throwable t) {
            s.building = null;
            FailOpen.report(Hook.HISTORY, t);
            return null;
        }
    }

    /**
     * A sorter's construction begins on this thread with Flink's size {@code requestedBytes}: its
     * first page pool starts a new consumer.
     */
    static void sorterStarting(long requestedBytes) {
        ThreadState s = STATE.get();
        s.building = null;
        s.sorterRequestedBytes = requestedBytes;
    }

    /** The eager sorter planned last on this thread was built with {@code sortBuffers}. */
    static void eagerSorterBuilt(Collection<?> sortBuffers) {
        ThreadState s = STATE.get();
        LiveConsumer c = s.building;
        s.building = null;
        if (c != null && !c.isEnded() && c.kind() == ConsumerKind.DATASTREAM_SORT) {
            @SuppressWarnings("unchecked")
            Collection<? extends InMemorySorter<?>> buffers = (Collection<? extends InMemorySorter<?>>) sortBuffers;
            c.bind(new EagerSorterCounters(buffers), ConsumerKind.DATASTREAM_SORT);
        }
    }

    /** The Flink object owning the page pool built last on this thread was constructed. */
    static void ownerBuilt(Object consumer, ConsumerKind kind) {
        ThreadState s = STATE.get();
        LiveConsumer c = s.building;
        s.building = null;
        if (c != null && !c.isEnded()) {
            c.bind(consumer, kind);
        }
    }

    /** The task on this thread released its memory in the governed slot: its consumers end. */
    static void taskReleased(Governed g, Object owner) {
        try {
            ConsumerTracker tracker = tracker();
            if (tracker == null) {
                return;
            }
            TaskIOMetricGroup io = ConsumerProbe.taskIo(owner);
            long records = io == null ? -1 : io.getNumRecordsInCounter().getCount();
            long bytes = io == null ? -1 : io.getNumBytesInCounter().getCount();
            tracker.endOnThisThread(g.slot, records, bytes, READER);
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    /** The governed slot was freed. */
    static void slotFreed(Governed g) {
        try {
            ConsumerTracker tracker = tracker();
            if (tracker != null) {
                tracker.endSlot(g.slot, READER);
            }
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }
}
