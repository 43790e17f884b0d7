package io.adaptivememory.policy;

import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.Arrays;

/**
 * Damps the entitlement changes a policy computes, so that slots are not reallocated on every
 * tick (the jitter the source design warns about). Cuts are made at once and growth is paced, as
 * in AIMD congestion control: an entitlement is a cap on growth, so lowering it is the safe
 * direction (it is what keeps other slots' share for them) and raising it is where a wobbling
 * target would hand out memory on a transient. The rules, per slot, for the move from the current
 * entitlement to the policy's target:
 *
 * <ol>
 *   <li><b>Hysteresis.</b> A move smaller than {@code hysteresisBytes} is not made. The smallest
 *       chunk a consumer grows by is 1 MiB, so a smaller change of its cap changes nothing it can
 *       do, and chasing it is what makes caps flicker.
 *   <li><b>Cuts at once.</b> A lower target is set on the same tick.
 *   <li><b>Hold time.</b> A raise waits until {@code holdNanos} have passed since the slot's last
 *       cut: a cut sticks for that long, so a target that dips and recovers within it causes one
 *       move, not two.
 *   <li><b>Bounded step, halved on reversal.</b> One tick raises an entitlement by at most the
 *       slot's step, which starts at {@code maxStepFraction} of the pool, halves whenever a raise
 *       follows a cut (never below the hysteresis) and doubles back with every raise that follows a
 *       raise. A target that keeps flipping therefore converges instead of bouncing between its
 *       extremes (the step rule of HBase's heap tuner).
 *   <li><b>Oscillation pin.</b> A slot whose entitlement reverses direction
 *       {@code oscillationLimit} times within {@code 10 x holdNanos} is switched to its static
 *       share, its guarantee, for the rest of its allocation, as SQL Server's memory grant feedback
 *       turns itself off for a query whose grants oscillate. The slot then behaves as under Flink:
 *       it lends as before but borrows nothing more. Logged once per slot; counted.
 * </ol>
 *
 * Only borrowers (hungry slots) are damped; a satisfied slot's entitlement is set as computed,
 * because it hands out nothing until the slot grows, and a sorter built there plans with it at
 * once: pacing it kept a skewed job's hot sorter at Flink's size in {@code SkewedSqlJobIT}.
 *
 * <p>Damping never endangers the pool's promises: the pool's slack still keeps every floor and the
 * total, and nothing held is ever taken back. Entitlements are never set below a slot's guarantee.
 *
 * <p>Runs on the controller thread only; per-slot state is kept in arrays indexed by the slot's
 * index and reset when a new allocation takes the index. No allocation in steady state.
 */
final class Stabilizer {

    private final Stability settings;
    private SlotAccount[] owners = new SlotAccount[0];
    private int[] lastDirection = new int[0];
    private long[] lastMoveNanos = new long[0];
    private long[] stepBytes = new long[0];
    private long[] reversalNanos = new long[0];
    private int[] reversalCount = new int[0];

    Stabilizer(Stability settings) {
        this.settings = settings;
    }

    /**
     * The entitlement to set for {@code slot} now, given the policy's {@code target}. Only a
     * {@code borrower}'s entitlement is damped: a satisfied slot holds nothing beyond its share,
     * so its entitlement is only the room it would start to grow in, and a sorter built there
     * plans with it at once (a sorter decides early); it is set as computed.
     */
    long next(TaskManagerPool pool, SlotAccount slot, long target, long nowNanos, boolean borrower) {
        long guarantee = slot.guaranteeBytes();
        if (!settings.enabled() || !borrower && !slot.isPinned()) {
            return Math.max(guarantee, target);
        }
        int i = state(pool, slot);
        if (slot.isPinned()) {
            return guarantee;
        }
        long current = slot.limitBytes();
        long goal = Math.max(guarantee, target);
        long delta = goal - current;
        if (Math.abs(delta) < settings.hysteresisBytes()) {
            return current;
        }
        int direction = delta > 0 ? 1 : -1;
        boolean reversal = lastDirection[i] == -direction;
        if (direction > 0) {
            if (reversal && nowNanos - lastMoveNanos[i] < settings.holdNanos()) {
                return current;
            }
            stepBytes[i] = reversal
                    ? Math.max(settings.hysteresisBytes(), stepBytes[i] / 2)
                    : lastDirection[i] > 0 ? Math.min(settings.maxStepBytes(pool.totalBytes()), 2 * stepBytes[i])
                    : stepBytes[i];
        }
        if (reversal && settings.oscillationLimit() > 0 && oscillates(i, nowNanos)) {
            pool.pin(slot);
            Entitlements.pinned(pool, slot, settings.oscillationLimit(), settings.windowNanos());
            return guarantee;
        }
        lastDirection[i] = direction;
        lastMoveNanos[i] = nowNanos;
        return direction < 0 ? goal : current + Math.min(delta, stepBytes[i]);
    }

    /** Records a reversal; true when it is the {@code oscillationLimit}-th within the window. */
    private boolean oscillates(int i, long nowNanos) {
        int limit = settings.oscillationLimit();
        reversalNanos[i * limit + reversalCount[i] % limit] = nowNanos;
        reversalCount[i]++;
        // The ring holds the last `limit` reversals; the next one to be overwritten is the oldest.
        long oldest = reversalNanos[i * limit + reversalCount[i] % limit];
        return reversalCount[i] >= limit && nowNanos - oldest <= settings.windowNanos();
    }

    private int state(TaskManagerPool pool, SlotAccount slot) {
        int i = slot.index();
        if (i >= owners.length) {
            grow(i + 1);
        }
        if (owners[i] != slot) {
            owners[i] = slot;
            lastDirection[i] = 0;
            lastMoveNanos[i] = 0;
            stepBytes[i] = settings.maxStepBytes(pool.totalBytes());
            reversalCount[i] = 0;
        }
        return i;
    }

    private void grow(int n) {
        int size = Math.max(n, 2 * owners.length);
        owners = Arrays.copyOf(owners, size);
        lastDirection = Arrays.copyOf(lastDirection, size);
        lastMoveNanos = Arrays.copyOf(lastMoveNanos, size);
        stepBytes = Arrays.copyOf(stepBytes, size);
        reversalCount = Arrays.copyOf(reversalCount, size);
        reversalNanos = Arrays.copyOf(reversalNanos, size * settings.oscillationLimit());
    }
}
