package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * Spark's unified-memory rule as an anchor: with N slots holding memory, each may hold up to
 * T/N of the pool (never less than its own guarantee), so a lone active slot may use nearly
 * everything and a crowd converges to equal shares. Spark's lower bound of T/(2N) is played by
 * the pool's floors.
 */
public final class FairPolicy implements AllocationPolicy {

    @Override
    public PolicyKind kind() {
        return PolicyKind.FAIR;
    }

    @Override
    public long initialLimit(TaskManagerPool pool, SlotAccount slot) {
        return share(pool, slot, activeSlots(pool) + 1);
    }

    @Override
    public void rebalance(TaskManagerPool pool, long nowNanos) {
        int active = Math.max(1, activeSlots(pool));
        for (SlotAccount slot : pool.slots()) {
            Entitlements.set(pool, slot, share(pool, slot, active), "fair share");
        }
    }

    private static long share(TaskManagerPool pool, SlotAccount slot, int active) {
        return Math.max(slot.guaranteeBytes(), pool.totalBytes() / Math.max(1, active));
    }

    private static int activeSlots(TaskManagerPool pool) {
        int n = 0;
        for (SlotAccount slot : pool.slots()) {
            if (slot.heldBytes() > 0) {
                n++;
            }
        }
        return n;
    }
}
