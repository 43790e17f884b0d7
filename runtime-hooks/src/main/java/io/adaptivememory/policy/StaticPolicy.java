package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/** Flink's own behaviour: each slot may hold exactly its static share. The A/B baseline. */
public final class StaticPolicy implements AllocationPolicy {

    @Override
    public PolicyKind kind() {
        return PolicyKind.STATIC;
    }

    @Override
    public boolean lends() {
        return false;
    }

    @Override
    public long initialLimit(TaskManagerPool pool, SlotAccount slot) {
        return slot.guaranteeBytes();
    }

    @Override
    public void rebalance(TaskManagerPool pool, long nowNanos) {}
}
