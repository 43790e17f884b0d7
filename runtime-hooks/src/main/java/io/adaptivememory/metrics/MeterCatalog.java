package io.adaptivememory.metrics;

import io.adaptivememory.control.HeadroomGuard;
import io.adaptivememory.flink.SpillAccounting;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every meter the agent exports, defined once: name, meaning, unit and how it is read. Both
 * exporters iterate these lists, {@link PoolMeters} into Micrometer (Prometheus, JMX) and
 * {@link FlinkMetricGroupMeters} into the TaskManager's own Flink metric group, so the two can
 * never disagree. docs/METRICS.md documents the same list.
 */
final class MeterCatalog {

    enum Kind {
        /** A value that goes up and down. */
        GAUGE,
        /** A running total since the JVM started. */
        COUNTER
    }

    static final String BYTES = "bytes";

    /** A meter of a whole TaskManager pool. */
    record PoolMeter(String name, String description, String unit, Kind kind, ToDoubleFunction<TaskManagerPool> value) {}

    /** A meter of one slot (all are byte gauges); the pool is passed for values relative to it. */
    interface SlotValue {
        double of(TaskManagerPool pool, SlotAccount slot);
    }

    record SlotMeter(String name, String description, SlotValue value) {}

    /** A JVM-wide counter, not tied to a pool. */
    record GlobalMeter(String name, String description, String unit, ToDoubleFunction<SpillAccounting> value) {}

    static final List<PoolMeter> POOL = List.of(
            new PoolMeter("adaptive.memory.pool.total", "Managed memory of the TaskManager (Flink's configured size)",
                    BYTES, Kind.GAUGE, TaskManagerPool::totalBytes),
            new PoolMeter("adaptive.memory.pool.reserved", "Managed memory the consumers of all slots hold",
                    BYTES, Kind.GAUGE, MeterCatalog::reserved),
            new PoolMeter("adaptive.memory.pool.earmarked",
                    "Managed memory set aside for eager consumers' plans and not allocated yet",
                    BYTES, Kind.GAUGE, MeterCatalog::earmarked),
            new PoolMeter("adaptive.memory.pool.free", "Managed memory held by no slot",
                    BYTES, Kind.GAUGE, TaskManagerPool::freeBytes),
            new PoolMeter("adaptive.memory.pool.unclaimed",
                    "Free memory not owed to any slot's floor (loans must also leave the reserve)",
                    BYTES, Kind.GAUGE, p -> Math.max(0, p.slackBytes())),
            new PoolMeter("adaptive.memory.pool.borrowed", "Memory slots hold beyond their static share",
                    BYTES, Kind.GAUGE, TaskManagerPool::borrowedBytes),
            new PoolMeter("adaptive.memory.lending.stopped",
                    "1 once an internal failure made the pool stop lending for good (Flink's static split), else 0",
                    null, Kind.GAUGE, p -> p.lendingStopped() ? 1 : 0),
            new PoolMeter("adaptive.memory.lending.protected",
                    "Percent of a satisfied slot's static share the adaptive policy does not lend now (its lending "
                            + "tuner's setting; the floor fraction until lenders are harmed)",
                    "percent", Kind.GAUGE, p -> Math.round(100 * p.protectedFraction())),
            new PoolMeter("adaptive.memory.tuning.steps",
                    "Steps the lending tuner made because lenders waited or borrowers were refused",
                    null, Kind.COUNTER, p -> p.statistics().tuningSteps()),
            new PoolMeter("adaptive.memory.tuning.reverts",
                    "Tuner steps reverted because they made waits or refusals worse",
                    null, Kind.COUNTER, p -> p.statistics().tuningReverts()),
            new PoolMeter("adaptive.memory.entitlements.pinned",
                    "Slots switched to their static share because their entitlement oscillated",
                    null, Kind.COUNTER, p -> p.statistics().pins()),
            new PoolMeter("adaptive.memory.feedback.raised.events",
                    "SQL hash tables whose plan grant feedback raised above Flink's size (their earlier runs needed more)",
                    "events", Kind.COUNTER, p -> p.statistics().raisedPlans()),
            new PoolMeter("adaptive.memory.feedback.raised", "Bytes grant feedback added to hash tables' plans",
                    BYTES, Kind.COUNTER, p -> p.statistics().raisedPlanBytes()),
            new PoolMeter("adaptive.memory.feedback.lowered.events",
                    "SQL hash tables whose plan grant feedback lowered below Flink's size (their earlier runs needed less)",
                    "events", Kind.COUNTER, p -> p.statistics().lowerPlans()),
            new PoolMeter("adaptive.memory.feedback.lowered", "Bytes grant feedback took off hash tables' plans",
                    BYTES, Kind.COUNTER, p -> p.statistics().lowerPlanBytes()),
            new PoolMeter("adaptive.memory.loans", "Reservations that took a slot beyond its static share",
                    null, Kind.COUNTER, p -> p.statistics().loans()),
            new PoolMeter("adaptive.memory.loans.denied", "Requests beyond a slot's static share that were refused",
                    null, Kind.COUNTER, p -> p.statistics().deniedLoans()),
            new PoolMeter("adaptive.memory.pages.denied",
                    "Times a SQL sorter was told 'no page' and spilled because the pool refused its growth",
                    null, Kind.COUNTER, p -> p.statistics().deniedPages()),
            new PoolMeter("adaptive.memory.shortfall.events",
                    "Requests within a slot's static share not met at once because memory it lent was still out",
                    "events", Kind.COUNTER, p -> p.statistics().shortfalls()),
            new PoolMeter("adaptive.memory.shortfall", "Bytes those requests lacked",
                    BYTES, Kind.COUNTER, p -> p.statistics().shortfallBytes()),
            new PoolMeter("adaptive.memory.floor.shortfalls",
                    "Slots allocated without their full floor because the pool had no room (should stay 0)",
                    null, Kind.COUNTER, p -> p.statistics().floorShortfalls()),
            new PoolMeter("adaptive.memory.earmarks.expired",
                    "Memory set aside for an eager consumer's plan and given back unused",
                    BYTES, Kind.COUNTER, p -> p.statistics().expiredEarmarkBytes()),
            new PoolMeter("adaptive.memory.accounting.errors",
                    "Releases of more memory than a slot held (should stay 0)",
                    null, Kind.COUNTER, p -> p.statistics().accountingErrors()));

    /** Exported as a timer (count and total time) named {@value}. */
    static final String RECLAIM_WAIT = "adaptive.memory.reclaim.wait";
    static final String RECLAIM_WAIT_DESCRIPTION = "Time task threads waited for lent memory to come back";

    static final List<SlotMeter> SLOT = List.of(
            new SlotMeter("adaptive.memory.slot.guarantee", "The slot's static share (what Flink alone would give it)",
                    (p, s) -> s.guaranteeBytes()),
            new SlotMeter("adaptive.memory.slot.floor", "The part of the static share that is never lent",
                    (p, s) -> s.floorBytes()),
            new SlotMeter("adaptive.memory.slot.reserved", "Memory the slot's consumers hold",
                    (p, s) -> s.reservedBytes()),
            new SlotMeter("adaptive.memory.slot.reserved.peak", "The most the slot's consumers held at once",
                    (p, s) -> s.peakReservedBytes()),
            new SlotMeter("adaptive.memory.slot.earmarked", "Memory set aside for the plans of eager consumers",
                    (p, s) -> s.earmarkedBytes()),
            new SlotMeter("adaptive.memory.slot.entitlement", "The most the slot may hold now, set by the policy",
                    (p, s) -> Math.min(s.limitBytes(), p.totalBytes())),
            new SlotMeter("adaptive.memory.slot.borrowed", "Memory the slot holds beyond its static share",
                    (p, s) -> s.borrowedBytes()),
            new SlotMeter("adaptive.memory.slot.lent", "Part of the slot's static share other slots are using",
                    TaskManagerPool::lentBytes),
            new SlotMeter("adaptive.memory.slot.predicted",
                    "The estimator's upper demand estimate for the slot's live consumers (-1: none); the adaptive "
                            + "policy does not lend this part of the slot's share",
                    (p, s) -> s.predictedDemandBytes()));

    /** A counter per {@link io.adaptivememory.flink.Hook} (tag {@code hook}); in Flink's group, their total. */
    static final String FAILOPEN = "adaptive.memory.failopen";
    static final String FAILOPEN_DESCRIPTION =
            "Internal failures of the agent; each made Flink behave as without the agent";

    static final List<GlobalMeter> GLOBAL = List.of(
            new GlobalMeter("adaptive.memory.spilled",
                    "Bytes Flink's operators spilled to disk (sort runs, hash partitions)",
                    BYTES, SpillAccounting::spilledBytes),
            new GlobalMeter("adaptive.memory.spill.files", "Spill files Flink's operators wrote",
                    "files", SpillAccounting::spilledFiles));

    /** A JVM-wide meter of the history and the estimator. */
    record LearningMeter(String name, String description, String unit, Kind kind, ToDoubleFunction<Learning> value) {}

    static final List<LearningMeter> LEARNING = List.of(
            new LearningMeter("adaptive.memory.consumers.recorded",
                    "Managed-memory consumers the agent followed from their plan to their end",
                    null, Kind.COUNTER, l -> l.consumers().started()),
            new LearningMeter("adaptive.memory.consumers.dropped",
                    "Consumers not followed because the table of live consumers was full (should stay 0)",
                    null, Kind.COUNTER, l -> l.consumers().dropped()),
            new LearningMeter("adaptive.memory.consumers.live", "Consumers running now (or ended and not yet written)",
                    null, Kind.GAUGE, l -> l.consumers().liveCount()),
            new LearningMeter("adaptive.memory.history.records", "Consumer records written to the history files",
                    null, Kind.COUNTER, l -> l.history().recordsWritten()),
            new LearningMeter("adaptive.memory.history.samples", "Slot samples written to the history files",
                    null, Kind.COUNTER, l -> l.history().samplesWritten()),
            new LearningMeter("adaptive.memory.estimator.observations", "Ended consumers the estimator learnt from",
                    null, Kind.COUNTER, l -> l.estimator() == null ? 0 : l.estimator().observations()),
            new LearningMeter("adaptive.memory.estimator.keys", "(vertex, kind) keys the estimator keeps",
                    null, Kind.GAUGE, l -> l.estimator() == null ? 0 : l.estimator().keys()),
            new LearningMeter("adaptive.memory.estimator.evictions",
                    "Keys the estimator forgot to stay within its bound",
                    null, Kind.COUNTER, l -> l.estimator() == null ? 0 : l.estimator().evictions()),
            new LearningMeter("adaptive.memory.model.loaded",
                    "1 when the estimator was warm-started from a trained model file, else 0",
                    null, Kind.GAUGE, l -> l.modelLoaded() ? 1 : 0));

    /** Counted per {@link io.adaptivememory.estimate.Estimate.Source} (tag {@code source}). */
    static final String PREDICTIONS = "adaptive.memory.estimator.predictions";
    static final String PREDICTIONS_DESCRIPTION =
            "Demand estimates made when a consumer's cap was decided, by where they came from";

    /** A JVM-wide meter of the native headroom guard. */
    record HeadroomMeter(String name, String description, String unit, Kind kind, ToDoubleFunction<HeadroomGuard> value) {}

    static final List<HeadroomMeter> HEADROOM = List.of(
            new HeadroomMeter("adaptive.memory.native.limit",
                    "The container's memory limit (-1: none, the headroom guard is off)",
                    BYTES, Kind.GAUGE, g -> g.last().limitBytes()),
            new HeadroomMeter("adaptive.memory.native.used",
                    "The container's memory the kernel cannot drop (anonymous and kernel memory, no page cache)",
                    BYTES, Kind.GAUGE, g -> g.last().usedBytes()),
            new HeadroomMeter("adaptive.memory.native.resident", "This process's resident set",
                    BYTES, Kind.GAUGE, g -> g.last().residentBytes()),
            new HeadroomMeter("adaptive.memory.native.direct", "The JVM's direct buffers",
                    BYTES, Kind.GAUGE, g -> g.last().directBytes()),
            new HeadroomMeter("adaptive.memory.lending.paused",
                    "1 while lending is stopped because native memory runs short, else 0",
                    null, Kind.GAUGE, g -> g.paused() ? 1 : 0),
            new HeadroomMeter("adaptive.memory.lending.pauses",
                    "Times lending was stopped because native memory ran short",
                    null, Kind.COUNTER, HeadroomGuard::pauses));

    private MeterCatalog() {}

    private static double reserved(TaskManagerPool pool) {
        long sum = 0;
        for (SlotAccount slot : pool.slots()) {
            sum += slot.reservedBytes();
        }
        return sum;
    }

    private static double earmarked(TaskManagerPool pool) {
        long sum = 0;
        for (SlotAccount slot : pool.slots()) {
            sum += slot.earmarkedBytes();
        }
        return sum;
    }
}
