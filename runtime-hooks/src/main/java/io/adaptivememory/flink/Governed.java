package io.adaptivememory.flink;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.apache.flink.runtime.memory.MemoryManager;

import java.lang.ref.WeakReference;

/**
 * A Flink per-slot memory budget the agent knows: the pool and the slot's account. A
 * <em>passive</em> one belongs to a slot that was allocated before a late attach: Flink's own
 * budget keeps governing it, and the pool only holds its whole share until the slot is freed.
 * The slot's {@code MemoryManager} is held weakly, so the controller can tell a slot Flink shut
 * down from one still in use without keeping it alive.
 */
final class Governed {
    final TaskManagerPool pool;
    final SlotAccount slot;
    final boolean passive;
    private final WeakReference<MemoryManager> manager;

    Governed(TaskManagerPool pool, SlotAccount slot, boolean passive, MemoryManager manager) {
        this.pool = pool;
        this.slot = slot;
        this.passive = passive;
        this.manager = new WeakReference<>(manager);
    }

    /** Whether Flink shut the slot's MemoryManager down (or it is gone). */
    boolean shutDown() {
        MemoryManager m = manager.get();
        return m == null || m.isShutdown();
    }
}
