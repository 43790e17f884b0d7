package io.adaptivememory.simulate;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * One slot allocation (a job's use of one slot of a TaskManager) during a replay: its account in
 * the pool, the predictions of its live consumers, and the simulated time its earmark was last
 * topped up.
 *
 * <p>The pool stamps earmarks with {@link System#nanoTime()}, which a simulated clock cannot move.
 * So the slot keeps the simulated stamp itself (the pool adds to an earmark only in
 * {@code earmarkPlanBytes}, which is seen here as a rise of the earmark) and asks the pool to
 * expire an earmark only once its simulated age is at least the TTL, passing a "now" far enough
 * ahead that the pool's own age test passes too. The pool's other conditions (an earmark to give
 * back, no reserved page in the slot) are still the pool's to check.
 */
final class ReplayedSlot {

    /** A "now" that makes any earmark the pool stamped in this run look older than any TTL. */
    private static final long FAR_FUTURE_NANOS = Long.MAX_VALUE / 4;

    final SlotAccount account;
    /** Consumers of this allocation not yet ended; the slot is given back when it reaches 0. */
    int remainingConsumers;
    private long earmarkStampMillis;
    private long predictedBytes;
    private int predictedConsumers;

    ReplayedSlot(SlotAccount account, int consumers) {
        this.account = account;
        this.remainingConsumers = consumers;
    }

    /** {@link TaskManagerPool#earmarkPlanBytes}, noting when the earmark grew. */
    long earmarkPlan(TaskManagerPool pool, long flinkBytes, long minimumBytes, boolean wholePlan, long nowMillis) {
        long before = account.earmarkedBytes();
        long plan = pool.earmarkPlanBytes(account, flinkBytes, minimumBytes, wholePlan);
        if (account.earmarkedBytes() > before) {
            earmarkStampMillis = nowMillis;
        }
        return plan;
    }

    /** {@link TaskManagerPool#expireEarmark} on the simulated clock. */
    void expireEarmark(TaskManagerPool pool, long nowMillis, long ttlMillis) {
        if (account.earmarkedBytes() > 0 && nowMillis - earmarkStampMillis >= ttlMillis) {
            pool.expireEarmark(account, FAR_FUTURE_NANOS, ttlMillis * 1_000_000L);
        }
    }

    /** Adds ({@code sign} 1) or removes (-1) a live consumer's prediction and tells the pool the sum. */
    void predict(TaskManagerPool pool, long consumerBytes, int sign) {
        if (consumerBytes >= 0) {
            predictedBytes += sign * consumerBytes;
            predictedConsumers += sign;
        }
        pool.setPredictedDemand(account, predictedConsumers > 0 ? predictedBytes : -1);
    }
}
