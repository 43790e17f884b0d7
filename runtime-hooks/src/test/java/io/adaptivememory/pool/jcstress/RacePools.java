package io.adaptivememory.pool.jcstress;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * The pool every race starts from: 400 bytes over 4 slots of 100, floors of 25, no reserve,
 * adaptive policy. Small numbers so each race's arithmetic can be checked by hand: with no slot
 * allocated, 300 bytes are unclaimed (everything but the four floors).
 */
final class RacePools {

    static final long TOTAL = 400;
    static final long SLOT = 100;
    static final long FLOOR = 25;

    private RacePools() {}

    static TaskManagerPool pool() {
        return new TaskManagerPool(0, TOTAL, 4, SLOT, 0.25, 0.0, 0, AllocationPolicy.of(PolicyKind.ADAPTIVE));
    }

    static SlotAccount slot(TaskManagerPool pool, String name) {
        return pool.register("job", name, SLOT);
    }

    /** The pool's own invariant check (slack recomputed from first principles) on the quiescent pool. */
    static boolean booksRight(TaskManagerPool pool) {
        return pool.checkInvariants() == null;
    }
}
