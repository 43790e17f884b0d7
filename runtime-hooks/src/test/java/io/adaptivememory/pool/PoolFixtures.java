package io.adaptivememory.pool;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.policy.AllocationPolicy;

import java.util.Properties;

/**
 * A small TaskManager shared by the pool tests: 256 MiB over 4 slots of 64 MiB, 32 KiB pages,
 * the default floor fraction. Numbers are in bytes; the names say what they are.
 */
final class PoolFixtures {

    static final long MIB = 1L << 20;
    static final long PAGE_BYTES = 32 * 1024;
    static final long TOTAL_BYTES = 256 * MIB;
    static final int SLOTS = 4;
    static final long SLOT_BYTES = TOTAL_BYTES / SLOTS;
    static final double FLOOR_FRACTION = Settings.DEFAULT_FLOOR_FRACTION;
    static final long FLOOR_BYTES = (long) (FLOOR_FRACTION * SLOT_BYTES);
    /** Small enough that a refused earmark gives up at once; the tests never measure time. */
    static final long TINY_RECLAIM_NANOS = 1_000_000L;

    private PoolFixtures() {}

    static TaskManagerPool adaptivePool() {
        return pool(PolicyKind.ADAPTIVE, 0.0, TINY_RECLAIM_NANOS);
    }

    static TaskManagerPool pool(PolicyKind kind, double reserveFraction, long reclaimNanos) {
        return new TaskManagerPool(
                0,
                TOTAL_BYTES,
                SLOTS,
                SLOT_BYTES,
                floorFractionFor(kind, FLOOR_FRACTION),
                reserveFraction,
                reclaimNanos,
                AllocationPolicy.of(kind));
    }

    /** The floor fraction the agent would pass for this policy (static forces 1.0). */
    static double floorFractionFor(PolicyKind kind, double configured) {
        Properties p = new Properties();
        p.setProperty(Settings.POLICY, kind.id());
        p.setProperty(Settings.FLOOR_FRACTION, String.valueOf(configured));
        return Settings.from(p).floorFraction();
    }

    static SlotAccount register(TaskManagerPool pool, String name) {
        return pool.register("job-" + name, "alloc-" + name, SLOT_BYTES);
    }

    /** Reserves page by page until the pool refuses; returns the bytes granted. */
    static long reservePagesUntilRefused(TaskManagerPool pool, SlotAccount slot) {
        long granted = 0;
        while (pool.reserve(slot, PAGE_BYTES)) {
            granted += PAGE_BYTES;
            if (granted > pool.totalBytes()) {
                throw new AssertionError("granted more than the pool holds: " + granted);
            }
        }
        return granted;
    }
}
