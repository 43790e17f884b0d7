package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * 256 MiB over 4 slots of 64 MiB with the default floor fraction (16 MiB floors), in bytes. The
 * policies are undamped ({@link Stability#NONE}) so that a test sees each rebalance's solution;
 * {@code StabilizerTest} covers the damping.
 */
final class PolicyFixtures {

    static final long MIB = 1L << 20;
    static final long PAGE_BYTES = 32 * 1024;
    static final long TOTAL_BYTES = 256 * MIB;
    static final int SLOTS = 4;
    static final long SLOT_BYTES = TOTAL_BYTES / SLOTS;
    static final long FLOOR_BYTES = (long) (Settings.DEFAULT_FLOOR_FRACTION * SLOT_BYTES);

    private PolicyFixtures() {}

    static TaskManagerPool pool(PolicyKind kind, double reserveFraction) {
        return new TaskManagerPool(
                0,
                TOTAL_BYTES,
                SLOTS,
                SLOT_BYTES,
                Settings.DEFAULT_FLOOR_FRACTION,
                reserveFraction,
                0,
                AllocationPolicy.of(kind, Stability.NONE));
    }

    static SlotAccount register(TaskManagerPool pool, String name) {
        return pool.register("job-" + name, "alloc-" + name, SLOT_BYTES);
    }

    static void reserve(TaskManagerPool pool, SlotAccount slot, long bytes) {
        if (!pool.reserve(slot, bytes)) {
            throw new AssertionError("setup: " + slot + " refused " + bytes + " bytes");
        }
    }

    static void rebalance(TaskManagerPool pool) {
        pool.policy().rebalance(pool, System.nanoTime());
    }
}
