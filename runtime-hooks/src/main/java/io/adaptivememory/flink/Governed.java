package io.adaptivememory.flink;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * A Flink per-slot memory budget the agent knows: the pool and the slot's account. A
 * <em>passive</em> one belongs to a slot that was allocated before a late attach: Flink's own
 * budget keeps governing it, and the pool only holds its whole share until the slot is freed.
 */
final class Governed {
    final TaskManagerPool pool;
    final SlotAccount slot;
    final boolean passive;

    Governed(TaskManagerPool pool, SlotAccount slot, boolean passive) {
        this.pool = pool;
        this.slot = slot;
        this.passive = passive;
    }
}
