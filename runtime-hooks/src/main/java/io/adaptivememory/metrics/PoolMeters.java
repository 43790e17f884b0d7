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

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Micrometer meters of one TaskManager pool (tags {@code pool}, {@code policy}) and of each of
 * its allocated slots (plus {@code slot}), as {@link MeterCatalog} defines them. Meters read the
 * pool's atomics when scraped, so nothing is recorded on task threads. Slot meters are removed
 * when the slot is freed, so a long-running session cluster does not accumulate them.
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
        for (MeterCatalog.PoolMeter m : MeterCatalog.POOL) {
            poolMeters.add(m.kind() == MeterCatalog.Kind.GAUGE
                    ? Gauge.builder(m.name(), pool, m.value())
                            .description(m.description()).baseUnit(m.unit()).tags(poolTags).strongReference(true)
                            .register(registry)
                    : FunctionCounter.builder(m.name(), pool, m.value())
                            .description(m.description()).baseUnit(m.unit()).tags(poolTags)
                            .register(registry));
        }
        poolMeters.add(FunctionTimer.builder(MeterCatalog.RECLAIM_WAIT, pool.statistics(),
                        PoolStatistics::reclaimWaits, PoolStatistics::reclaimWaitNanos, TimeUnit.NANOSECONDS)
                .description(MeterCatalog.RECLAIM_WAIT_DESCRIPTION)
                .tags(poolTags)
                .register(registry));
    }

    void bindSlot(SlotAccount slot) {
        Tags tags = poolTags.and("slot", String.valueOf(slot.index()));
        List<Meter> meters = new ArrayList<>();
        for (MeterCatalog.SlotMeter m : MeterCatalog.SLOT) {
            meters.add(Gauge.builder(m.name(), slot, s -> m.value().of(pool, s))
                    .description(m.description())
                    .baseUnit(MeterCatalog.BYTES)
                    .tags(tags)
                    .strongReference(true)
                    .register(registry));
        }
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
}
