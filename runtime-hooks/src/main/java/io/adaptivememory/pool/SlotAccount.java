package io.adaptivememory.pool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One allocated task slot's account in its {@link TaskManagerPool}.
 *
 * <p>{@code held} is everything the pool has committed to the slot: the bytes its consumers
 * reserved plus the bytes {@code earmarked} for an eager consumer's plan that it has not
 * allocated yet. All arithmetic lives in the pool; this class only holds the state and the
 * statistics the controller and the meters read.
 */
public final class SlotAccount {

    private final int index;
    private final String jobId;
    private final String allocationId;
    private final long guaranteeBytes;
    final long floorBytes;
    /** The part of the floor that came out of the pool's unallocated-slot floors at registration. */
    final long floorFromUnallocated;

    /**
     * Value of {@code held} once the slot is closed. A negative marker rather than 0, so a
     * reservation that raced with {@code unregister} fails its compare-and-set instead of
     * committing bytes to an account whose memory was already given back.
     */
    static final long CLOSED_HELD = Long.MIN_VALUE / 2;

    final AtomicLong held = new AtomicLong();
    final AtomicLong earmarked = new AtomicLong();
    /** Bytes that went to Flink's own per-slot budget because the pool failed open. */
    final AtomicLong flinkOwned = new AtomicLong();
    final AtomicLong peakReserved = new AtomicLong();
    /** Growth requests the pool refused; the controller reads it to find hungry slots. */
    final AtomicLong denials = new AtomicLong();
    final AtomicLong borrowedPeak = new AtomicLong();
    /**
     * What grant feedback's lowered plans saved below Flink's sizes since the slot last held
     * nothing: share no consumer still has to plan with. Cleared when the slot empties.
     */
    final AtomicLong loweredBytes = new AtomicLong();

    /** Denials the controller has already seen; touched by the controller thread only. */
    private long denialsSeen;

    volatile long limitBytes;
    /** The estimator's demand for the slot's live consumers, margin included; -1 while unknown. */
    volatile long predictedDemandBytes = -1;
    /** Whether that demand bounds a borrower: every live consumer's estimate comes from its own vertex's history. */
    volatile boolean predictedDemandBounds;
    volatile long earmarkedAtNanos;
    volatile boolean closed;
    /** Reserved bytes Flink's consumers still held when the slot's MemoryManager shut down. */
    volatile long reservedAtClose;
    /** Set once the policy's stabilizer found the slot's entitlement oscillating: it keeps its static share. */
    volatile boolean pinned;

    SlotAccount(
            int index,
            String jobId,
            String allocationId,
            long guaranteeBytes,
            long floorBytes,
            long floorFromUnallocated) {
        this.index = index;
        this.jobId = jobId;
        this.allocationId = allocationId;
        this.guaranteeBytes = guaranteeBytes;
        this.floorBytes = floorBytes;
        this.floorFromUnallocated = floorFromUnallocated;
    }

    public int index() {
        return index;
    }

    /** The Flink job the slot is allocated to. */
    public String jobId() {
        return jobId;
    }

    /** Flink's static share for this slot: what it would get without the agent. */
    public long guaranteeBytes() {
        return guaranteeBytes;
    }

    /** The part of the guarantee that is never lent while the slot exists. */
    public long floorBytes() {
        return floorBytes;
    }

    /** Bytes the slot's consumers hold right now. */
    public long reservedBytes() {
        return Math.max(0, heldBytes() - earmarked.get());
    }

    /** Bytes set aside for eager consumers' plans that they have not allocated yet. */
    public long earmarkedBytes() {
        return earmarked.get();
    }

    /** Reserved plus earmarked: what the pool has committed to this slot. */
    public long heldBytes() {
        return Math.max(0, held.get());
    }

    /** Bytes held beyond the guarantee, i.e. borrowed from the rest of the TaskManager. */
    public long borrowedBytes() {
        return Math.max(0, heldBytes() - guaranteeBytes);
    }

    /** The most the slot's consumers have reserved at once. */
    public long peakReservedBytes() {
        return peakReserved.get();
    }

    /** The most the slot has held beyond its guarantee at once. */
    public long peakBorrowedBytes() {
        return borrowedPeak.get();
    }

    /** The slot's current entitlement: the most it may hold, set by the policy. */
    public long limitBytes() {
        return limitBytes;
    }

    /**
     * What the estimator expects the slot's live consumers to need (its prediction plus its
     * uncertainty margin), or -1 when it has no estimate. The adaptive policy keeps up to this
     * much of the slot's guarantee from being lent.
     */
    public long predictedDemandBytes() {
        return predictedDemandBytes;
    }

    /**
     * Whether {@link #predictedDemandBytes()} may bound what the slot borrows: true only when every
     * live consumer's estimate comes from its own vertex's history. A kind's average or a trained
     * model's guess for a vertex never seen here protects lenders, but capping a borrower by it
     * would stop the first run of a big sorter at the average sorter's size, and a sorter told "no
     * page" spills everything it holds.
     */
    public boolean predictedDemandBounds() {
        return predictedDemandBounds && predictedDemandBytes >= 0;
    }

    public long denials() {
        return denials.get();
    }

    /** Whether the slot was refused memory since the controller last asked. Controller only. */
    public boolean takeNewDenials() {
        long now = denials.get();
        boolean fresh = now != denialsSeen;
        denialsSeen = now;
        return fresh;
    }

    /** Whether the slot was pinned to its static share because its entitlement oscillated. */
    public boolean isPinned() {
        return pinned;
    }

    public boolean isClosed() {
        return closed;
    }

    public long reservedAtClose() {
        return reservedAtClose;
    }

    @Override
    public String toString() {
        return "slot " + index + " (job " + jobId + ", allocation " + allocationId + ")";
    }
}
