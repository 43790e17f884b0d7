package io.adaptivememory.policy;

import io.adaptivememory.pool.PoolStatistics;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * Tunes how much of a lender's unused share the adaptive policy lends, from what lending cost.
 *
 * <p>The knob is the <em>protected fraction</em> p of every satisfied slot's guarantee that the
 * policy does not lend: between the floor fraction (lend everything above the floors, the start)
 * and 1 (lend nothing of an allocated slot's share). Every tuning period it looks at two costs
 * from the pool's counters: <em>lender harm</em>, requests within a slot's share that had to wait
 * for or went without memory it had lent (shortfalls and reclaim waits), and <em>borrower
 * harm</em>, growth that was refused (denied loans and pages, i.e. spills). In the manner of
 * HBase's heap tuner:
 *
 * <ul>
 *   <li>lender harm in the period: step p up (lend less);
 *   <li>otherwise, while p is above the floor: step it down (lend more), because borrowers were
 *       refused or because nobody was harmed and the protection is no longer earning its keep;
 *   <li>a step in the opposite direction to the last one halves the step (never below 1/64), a step
 *       in the same direction doubles it back (never above the initial eighth);
 *   <li>a step that made things worse is reverted at the next period and the step halved: lending
 *       more was followed by lender harm, or lending less by more borrower harm than before it
 *       while lenders were no longer harmed.
 * </ul>
 *
 * The step starts at an eighth. p only moves the policy's entitlements (how far borrowers may
 * grow), never the pool's floors or anything held, so a bad setting costs spills, not failures.
 * Not thread-safe: the policy's rebalance (controller thread) calls it.
 */
final class LendingTuner {

    static final double INITIAL_STEP = 0.125;
    static final double MIN_STEP = 1.0 / 64;

    private final long periodNanos;
    private double fraction = Double.NaN;
    private double step = INITIAL_STEP;
    private double lastStep;
    /** The sign of the last move (step or revert), kept across quiet periods to recognise a reversal. */
    private double lastDirection;
    private long borrowerHarmBeforeStep;
    private long lenderHarmSeen;
    private long borrowerHarmSeen;
    private long nextNanos;
    private boolean started;

    LendingTuner(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /** The fraction of a satisfied slot's guarantee not lent now; retunes when a period has passed. */
    double protectedFraction(TaskManagerPool pool, long nowNanos) {
        double floor = pool.floorFraction();
        if (Double.isNaN(fraction)) {
            fraction = floor;
        }
        if (periodNanos <= 0) {
            return floor;
        }
        PoolStatistics stats = pool.statistics();
        long lenderHarm = stats.shortfalls() + stats.reclaimWaits();
        long borrowerHarm = stats.deniedLoans() + stats.deniedPages();
        if (!started) {
            started = true;
            lenderHarmSeen = lenderHarm;
            borrowerHarmSeen = borrowerHarm;
            nextNanos = nowNanos + periodNanos;
            return fraction;
        }
        if (nowNanos - nextNanos < 0) {
            return fraction;
        }
        nextNanos = nowNanos + periodNanos;
        long lenders = lenderHarm - lenderHarmSeen;
        long borrowers = borrowerHarm - borrowerHarmSeen;
        lenderHarmSeen = lenderHarm;
        borrowerHarmSeen = borrowerHarm;
        boolean madeWorse = lastStep < 0 ? lenders > 0 : lastStep > 0 && lenders == 0 && borrowers > borrowerHarmBeforeStep;
        if (madeWorse) {
            fraction -= lastStep;
            lastDirection = -Math.signum(lastStep);
            lastStep = 0;
            step = Math.max(MIN_STEP, step / 2);
            pool.noteTuning(fraction, true);
            return fraction;
        }
        double direction = lenders > 0 ? 1 : fraction > floor ? -1 : 0;
        if (direction != 0 && lastDirection == -direction) {
            step = Math.max(MIN_STEP, step / 2);
        } else if (direction != 0 && lastDirection == direction) {
            step = Math.min(INITIAL_STEP, 2 * step);
        }
        double next = Math.max(floor, Math.min(1.0, fraction + direction * step));
        lastStep = next - fraction;
        borrowerHarmBeforeStep = borrowers;
        if (lastStep != 0) {
            fraction = next;
            lastDirection = direction;
            pool.noteTuning(fraction, false);
        }
        return fraction;
    }
}
