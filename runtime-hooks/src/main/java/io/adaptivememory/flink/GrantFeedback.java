package io.adaptivememory.flink;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerTracker;

/**
 * Memory grant feedback for SQL hash tables and eager sorters, after SQL Server's: a hash join, a
 * hash aggregation or a DataStream BATCH sorter plans with what its own vertex and subtask needed
 * in earlier runs of the job instead of Flink's static fraction of the slot.
 *
 * <p>Neither can borrow page by page as SQL sorters do (a hash table's code assumes the pages up to
 * its plan exist, section 3 of DESIGN.md; an eager sorter allocates its whole plan at once), so the
 * only moment to give them more is the plan itself, and the plan must be set aside whole. Which
 * subtask of a vertex is hot is only known from history, so the plan is the larger of this vertex,
 * kind and subtask's last two demands (a demand is what the consumer held at its peak plus what it
 * spilled, so a table that spilled asks for more next time) times
 * {@value ConsumerTracker#FEEDBACK_MARGIN}, rounded up to
 * whole MiB. Only the consumer's own subtask counts: the estimator's model or a kind's average
 * would give every sibling the hot one's memory, and before the model has seen a few runs it cannot
 * tell them apart. The larger of two runs makes a plan that alternates between two sizes settle on
 * the larger one instead of following it (SQL Server disables feedback for such plans; here they
 * simply keep the larger plan). The pool then raises the plan as far as the slot can set aside at
 * once, or lowers a cold one's plan (never below the floor fraction of Flink's size), which is
 * where a hot neighbour's memory comes from; see {@code TaskManagerPool.feedbackPlanBytes}. A slot
 * pinned for oscillating entitlements plans with Flink's size. The first run of a job, and a run
 * after its input grew, plan with what the last runs needed: at most that much more spill, once,
 * and never a failure.
 *
 * <p>The operator's kind is read from its class when its sizing begins: Flink's hash join
 * operators ({@code HashJoinOperator} and its subclasses, the generated {@code LongHashJoinOperator})
 * and generated hash aggregations ({@code HashAggregateWithKeys}, {@code LocalHashAggregateWithKeys})
 * say so in their names; any other table operator (sorts, windows, fused multiple-input operators)
 * gets no feedback. Only an operator's first plan is fed back: a hash join plans again for the
 * sorters of its sort-merge fallback while its table is still open.
 *
 * <p>An eager sorter ({@code ExternalSorterBuilder.doBuild}, the sorted inputs of DataStream BATCH
 * jobs) is fed back only when it may spill: a sorter without spilling memory fails when its input
 * does not fit, so it keeps Flink's plan. It starts spilling once its sort buffers hold its
 * spilling threshold ({@code taskmanager.runtime.sort-spilling-threshold}, the builder's
 * {@code startSpillingFraction}) of their size, so its plan is its demand over that threshold,
 * times the margin. Its demand is what its sort buffers held at their fullest plus what it spilled
 * ({@link EagerSorterCounters}).
 */
final class GrantFeedback {

    private static final class ThreadState {
        /** The kind of the table operator whose sizing runs on this thread, or null. */
        ConsumerKind kind;
        /** Identity of that operator, so that its later plans get no feedback. */
        int operator;
        boolean fedBack;
        /** While an eager sorter that may spill is built on this thread: its spilling threshold, else 0. */
        double sorterSpillingFraction;
        /** The raised page count granted to that sorter, which its {@code allocatePages} may take; else -1. */
        int raisedPages = -1;
        /** Flink's page count for it, the fallback if the raised allocation fails. */
        int flinkPages;
    }

    private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

    private GrantFeedback() {}

    /** A table operator's {@code computeMemorySize} began on this thread (outermost call). */
    static void sizingBegins(Object operator) {
        ThreadState s = STATE.get();
        if (operator == null) {
            s.kind = null;
            s.operator = 0;
            return;
        }
        int identity = System.identityHashCode(operator);
        if (identity != s.operator) {
            s.operator = identity;
            s.kind = kindOf(operator.getClass().getName());
            s.fedBack = false;
        }
    }

    /** The kind a table operator's class name says it is, or null when it is not a hash table's. */
    static ConsumerKind kindOf(String className) {
        int simpleName = className.lastIndexOf('.') + 1;
        if (className.indexOf("HashJoin", simpleName) >= 0) {
            return ConsumerKind.HASH_JOIN;
        }
        return className.indexOf("HashAggregate", simpleName) >= 0 ? ConsumerKind.HASH_AGG : null;
    }

    /** The kind of the table operator sizing on this thread, or null. */
    static ConsumerKind sizingKind() {
        return STATE.get().kind;
    }

    /**
     * The plan the table operator sizing on this thread wants from its recent demand, or -1 for
     * Flink's plan (not a hash table, no history of its subtask, feedback off, or not the
     * operator's first plan).
     */
    static long wantedBytes(AgentRuntime rt) {
        ThreadState s = STATE.get();
        if (s.kind == null || s.fedBack || rt == null || !rt.settings().grantFeedback()) {
            return -1;
        }
        s.fedBack = true;
        ConsumerTracker tracker = rt.consumers();
        long recent = tracker == null ? -1 : tracker.recentDemandBytes(s.kind);
        return recent < 0 ? -1 : ConsumerTracker.withFeedbackMargin(recent);
    }

    /**
     * An eager sorter's construction begins on this thread; it spills at {@code spillingFraction}
     * of its sort memory, or never ({@code spills} false).
     */
    static void eagerSorterBegins(double spillingFraction, boolean spills) {
        ThreadState s = STATE.get();
        s.sorterSpillingFraction = spills && spillingFraction > 0 && spillingFraction <= 1 ? spillingFraction : 0;
        s.raisedPages = -1;
    }

    static void eagerSorterEnds() {
        ThreadState s = STATE.get();
        s.sorterSpillingFraction = 0;
        s.raisedPages = -1;
    }

    /** Whether an eager sorter that may spill is being built on this thread. */
    static boolean buildingEagerSorter() {
        return STATE.get().sorterSpillingFraction > 0;
    }

    /**
     * The plan the eager sorter built on this thread wants from its recent demand, or -1 for
     * Flink's plan (no eager sorter that may spill, no history of its subtask, feedback off).
     */
    static long wantedEagerSorterBytes(AgentRuntime rt) {
        ThreadState s = STATE.get();
        if (s.sorterSpillingFraction <= 0 || rt == null || !rt.settings().grantFeedback()) {
            return -1;
        }
        ConsumerTracker tracker = rt.consumers();
        long recent = tracker == null ? -1 : tracker.recentDemandBytes(ConsumerKind.DATASTREAM_SORT);
        return recent < 0 ? -1 : wantedEagerSorterBytes(recent, s.sorterSpillingFraction);
    }

    /**
     * An eager sorter's plan: the sort memory that holds {@code recentDemandBytes} below its
     * spilling threshold, with the margin.
     */
    static long wantedEagerSorterBytes(long recentDemandBytes, double spillingFraction) {
        return ConsumerTracker.withFeedbackMargin((long) Math.ceil(recentDemandBytes / spillingFraction));
    }

    /** The eager sorter built on this thread was granted {@code pages}, more than Flink's {@code flinkPages}. */
    static void allowRaisedPages(int pages, int flinkPages) {
        ThreadState s = STATE.get();
        s.raisedPages = pages;
        s.flinkPages = flinkPages;
    }

    /**
     * Flink's page count when {@code pages} is the raised plan of the eager sorter built on this
     * thread (consumed: one allocation per plan), else -1.
     */
    static int takeRaisedPages(int pages) {
        ThreadState s = STATE.get();
        if (s.raisedPages != pages || pages < 0) {
            return -1;
        }
        s.raisedPages = -1;
        return s.flinkPages;
    }
}
