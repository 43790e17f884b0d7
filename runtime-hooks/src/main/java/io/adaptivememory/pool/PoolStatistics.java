package io.adaptivememory.pool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Monotonic counters of what a {@link TaskManagerPool} did. Plain atomics rather than meters, so
 * the pool has no dependency on a metrics library; the metrics binder reads them.
 */
public final class PoolStatistics {
    final AtomicLong loans = new AtomicLong();
    final AtomicLong deniedLoans = new AtomicLong();
    final AtomicLong shortfalls = new AtomicLong();
    final AtomicLong shortfallBytes = new AtomicLong();
    final AtomicLong reclaimWaits = new AtomicLong();
    final AtomicLong reclaimWaitNanos = new AtomicLong();
    final AtomicLong expiredEarmarkBytes = new AtomicLong();
    final AtomicLong accountingErrors = new AtomicLong();
    final AtomicLong floorShortfalls = new AtomicLong();
    final AtomicLong deniedPages = new AtomicLong();
    final AtomicLong tuningSteps = new AtomicLong();
    final AtomicLong tuningReverts = new AtomicLong();
    final AtomicLong pins = new AtomicLong();
    final AtomicLong raisedPlans = new AtomicLong();
    final AtomicLong raisedPlanBytes = new AtomicLong();
    final AtomicLong lowerPlans = new AtomicLong();
    final AtomicLong lowerPlanBytes = new AtomicLong();

    /** Reservations that took the slot beyond its guarantee. */
    public long loans() {
        return loans.get();
    }

    /** Requests beyond a slot's guarantee that were refused (entitlement or reserve). */
    public long deniedLoans() {
        return deniedLoans.get();
    }

    /** Requests within a slot's guarantee that could not be met at once: memory it lent was out. */
    public long shortfalls() {
        return shortfalls.get();
    }

    public long shortfallBytes() {
        return shortfallBytes.get();
    }

    /** Times a task thread waited for borrowed memory to return. */
    public long reclaimWaits() {
        return reclaimWaits.get();
    }

    public long reclaimWaitNanos() {
        return reclaimWaitNanos.get();
    }

    public long expiredEarmarkBytes() {
        return expiredEarmarkBytes.get();
    }

    /** Releases of more than a slot held; should stay zero. */
    public long accountingErrors() {
        return accountingErrors.get();
    }

    /** Slots that could not be given their full floor when they were allocated. */
    public long floorShortfalls() {
        return floorShortfalls.get();
    }

    /** Lazy consumers told "no page" (they spill) because the pool refused their growth. */
    public long deniedPages() {
        return deniedPages.get();
    }

    public void noteDeniedPage() {
        deniedPages.incrementAndGet();
    }

    /** Steps the lending tuner made (reverts not included). */
    public long tuningSteps() {
        return tuningSteps.get();
    }

    /** Steps the lending tuner reverted because they made spills or waits worse. */
    public long tuningReverts() {
        return tuningReverts.get();
    }

    /** Slots pinned to their static share because their entitlement oscillated. */
    public long pins() {
        return pins.get();
    }

    /** Table operators' plans that grant feedback raised above Flink's size. */
    public long raisedPlans() {
        return raisedPlans.get();
    }

    /** Bytes grant feedback added to plans above Flink's sizes. */
    public long raisedPlanBytes() {
        return raisedPlanBytes.get();
    }

    /** Table operators' plans that grant feedback lowered below Flink's size. */
    public long lowerPlans() {
        return lowerPlans.get();
    }

    /** Bytes grant feedback took off plans below Flink's sizes. */
    public long lowerPlanBytes() {
        return lowerPlanBytes.get();
    }
}
