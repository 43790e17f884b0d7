package io.adaptivememory.control;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.SplittableRandom;

/**
 * A busy TaskManager for the controller's tests and benchmark: {@code slots} slots of 16 MiB, a
 * quarter of them borrowing, a fifth holding earmarks, a seventh with a predicted demand.
 */
public final class BusyPools {

    public static final long SLOT = 16L << 20;

    private BusyPools() {}

    public static TaskManagerPool of(PolicyKind kind, int slots) {
        TaskManagerPool pool = new TaskManagerPool(0, slots * SLOT, slots, SLOT, kind == PolicyKind.STATIC ? 1.0 : 0.25,
                0.0, 0, AllocationPolicy.of(kind));
        SplittableRandom rnd = new SplittableRandom(slots);
        for (int i = 0; i < slots; i++) {
            SlotAccount s = pool.register("job", "slot-" + i, SLOT);
            pool.reserve(s, rnd.nextLong(SLOT / 2));
            if (i % 4 == 0 && kind != PolicyKind.STATIC) {
                pool.setLimit(s, 2 * SLOT);
                pool.reserve(s, SLOT);
            }
            if (i % 5 == 0) {
                pool.earmarkPlanBytes(s, SLOT / 8, SLOT / 16);
            }
            if (i % 7 == 0) {
                pool.setPredictedDemand(s, SLOT / 3);
            }
        }
        return pool;
    }
}
