package io.adaptivememory.metrics;

import io.adaptivememory.pool.PoolStatistics;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one TaskManager pool (tag {@code pool}) and of each of its allocated slots (tags
 * {@code pool}, {@code slot}). Meters read the pool's atomics when scraped, so nothing is
 * recorded on task threads. Slot meters are removed when the slot is freed, so a long-running
 * session cluster does not accumulate them.
 */
final class PoolMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final TaskManagerPool pool;
    private final Tags poolTags;
    private final List<Meter> poolMeters = new ArrayList<>();
    private final Map<SlotAccount, List<Meter>> slotMeters = new IdentityHashMap<>();

    PoolMeters(MeterRegistry registry, TaskManagerPool pool) {
        this.registry = registry;
        this.pool = pool;
        this.poolTags = Tags.of("pool", String.valueOf(pool.id()), "policy", pool.policy().kind().id());
        PoolStatistics s = pool.statistics();
        bytes(poolMeters, "adaptive.memory.pool.total", "Managed memory of the TaskManager (Flink's configured size)",
                poolTags, pool, p -> p.totalBytes());
        bytes(poolMeters, "adaptive.memory.pool.reserved", "Managed memory the consumers of all slots hold",
                poolTags, pool, PoolMeters::reserved);
        bytes(poolMeters, "adaptive.memory.pool.earmarked",
                "Managed memory set aside for eager consumers' plans and not allocated yet",
                poolTags, pool, PoolMeters::earmarked);
        bytes(poolMeters, "adaptive.memory.pool.free", "Managed memory held by no slot",
                poolTags, pool, p -> p.freeBytes());
        bytes(poolMeters, "adaptive.memory.pool.unclaimed", "Free memory not owed to any slot's floor (loans must also leave the reserve)",
                poolTags, pool, p -> Math.max(0, p.slackBytes()));
        bytes(poolMeters, "adaptive.memory.pool.borrowed", "Memory slots hold beyond their static share",
                poolTags, pool, p -> p.borrowedBytes());
        counter(poolMeters, "adaptive.memory.loans", "Reservations that took a slot beyond its static share",
                null, s, PoolStatistics::loans);
        counter(poolMeters, "adaptive.memory.loans.denied", "Requests beyond a slot's static share that were refused",
                null, s, PoolStatistics::deniedLoans);
        counter(poolMeters, "adaptive.memory.pages.denied",
                "Times a SQL sorter was told 'no page' and spilled because the pool refused its growth",
                null, s, PoolStatistics::deniedPages);
        counter(poolMeters, "adaptive.memory.shortfall.events",
                "Requests within a slot's static share not met at once because memory it lent was still out",
                "events", s, PoolStatistics::shortfalls);
        counter(poolMeters, "adaptive.memory.shortfall", "Bytes those requests lacked",
                BaseUnits.BYTES, s, PoolStatistics::shortfallBytes);
        counter(poolMeters, "adaptive.memory.floor.shortfalls",
                "Slots allocated without their full floor because the pool had no room (should stay 0)",
                null, s, PoolStatistics::floorShortfalls);
        counter(poolMeters, "adaptive.memory.earmarks.expired",
                "Memory set aside for an eager consumer's plan and given back unused",
                BaseUnits.BYTES, s, PoolStatistics::expiredEarmarkBytes);
        counter(poolMeters, "adaptive.memory.accounting.errors",
                "Releases of more memory than a slot held (should stay 0)", null, s, PoolStatistics::accountingErrors);
        poolMeters.add(FunctionTimer.builder("adaptive.memory.reclaim.wait", s,
                        PoolStatistics::reclaimWaits, PoolStatistics::reclaimWaitNanos, TimeUnit.NANOSECONDS)
                .description("Time task threads waited for lent memory to come back")
                .tags(poolTags)
                .register(registry));
    }

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

    void bindSlot(SlotAccount slot) {
        Tags tags = poolTags.and("slot", String.valueOf(slot.index()));
        List<Meter> meters = new ArrayList<>();
        bytes(meters, "adaptive.memory.slot.guarantee", "The slot's static share (what Flink alone would give it)",
                tags, slot, SlotAccount::guaranteeBytes);
        bytes(meters, "adaptive.memory.slot.floor", "The part of the static share that is never lent",
                tags, slot, SlotAccount::floorBytes);
        bytes(meters, "adaptive.memory.slot.reserved", "Memory the slot's consumers hold",
                tags, slot, SlotAccount::reservedBytes);
        bytes(meters, "adaptive.memory.slot.reserved.peak", "The most the slot's consumers held at once",
                tags, slot, SlotAccount::peakReservedBytes);
        bytes(meters, "adaptive.memory.slot.earmarked", "Memory set aside for the plans of eager consumers",
                tags, slot, SlotAccount::earmarkedBytes);
        bytes(meters, "adaptive.memory.slot.entitlement", "The most the slot may hold now, set by the policy",
                tags, slot, s -> Math.min(s.limitBytes(), pool.totalBytes()));
        bytes(meters, "adaptive.memory.slot.borrowed", "Memory the slot holds beyond its static share",
                tags, slot, SlotAccount::borrowedBytes);
        bytes(meters, "adaptive.memory.slot.lent", "Part of the slot's static share other slots are using",
                tags, slot, pool::lentBytes);
        slotMeters.put(slot, meters);
    }

    void unbindSlot(SlotAccount slot) {
        List<Meter> meters = slotMeters.remove(slot);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    @Override
    public void close() {
        poolMeters.forEach(registry::remove);
        slotMeters.values().forEach(list -> list.forEach(registry::remove));
        slotMeters.clear();
    }

    private <T> void bytes(List<Meter> into, String name, String description, Tags tags, T obj, ToDoubleFunction<T> f) {
        into.add(Gauge.builder(name, obj, f)
                .description(description)
                .baseUnit(BaseUnits.BYTES)
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    private <T> void counter(List<Meter> into, String name, String description, String unit, T obj,
            ToDoubleFunction<T> f) {
        into.add(FunctionCounter.builder(name, obj, f)
                .description(description)
                .baseUnit(unit)
                .tags(poolTags)
                .register(registry));
    }
}
