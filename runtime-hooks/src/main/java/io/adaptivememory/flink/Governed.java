package io.adaptivememory.flink;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/** A Flink per-slot memory budget that the agent governs: the pool and the slot's account. */
final class Governed {
    final TaskManagerPool pool;
    final SlotAccount slot;

    Governed(TaskManagerPool pool, SlotAccount slot) {
        this.pool = pool;
        this.slot = slot;
    }
}
