package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * Decides each slot's entitlement: the most it may hold, loans included. The pool enforces it
 * on every reservation; the policy only moves it, at registration and on controller ticks.
 */
public interface AllocationPolicy {

    PolicyKind kind();

    /** Whether this policy ever lets a slot hold more than its guarantee. */
    default boolean lends() {
        return true;
    }

    /** Entitlement of a slot that has just been allocated. */
    long initialLimit(TaskManagerPool pool, SlotAccount slot);

    /** Recomputes entitlements; runs on the controller thread, never on a task thread. */
    void rebalance(TaskManagerPool pool, long nowNanos);

    /** The policy for the given kind, with the default {@link Stability}. */
    static AllocationPolicy of(PolicyKind kind) {
        return of(kind, Stability.DEFAULT);
    }

    /** The policy for the given kind; {@code stability} applies to the adaptive policy. */
    static AllocationPolicy of(PolicyKind kind, Stability stability) {
        switch (kind) {
            case STATIC:
                return new StaticPolicy();
            case FAIR:
                return new FairPolicy();
            default:
                return new AdaptivePolicy(stability);
        }
    }
}
