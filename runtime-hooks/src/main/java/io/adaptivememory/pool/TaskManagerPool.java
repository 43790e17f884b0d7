package io.adaptivememory.pool;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.policy.AllocationPolicy;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The managed memory of one TaskManager, shared by its slots.
 *
 * <h2>Model</h2>
 *
 * Each allocated slot i has a <em>guarantee</em> G<sub>i</sub> (Flink's static share), a
 * <em>floor</em> f<sub>i</sub> = floorFraction &middot; G<sub>i</sub> that is never lent, an
 * <em>entitlement</em> L<sub>i</sub> set by the {@link AllocationPolicy}, and <em>held</em>
 * bytes h<sub>i</sub> (reserved pages plus earmarks for eager consumers). A slot that is not
 * allocated yet is owed the floor of a default slot. The pool keeps one counter,
 *
 * <pre>
 *   slack = T - &Sigma; h<sub>i</sub> - &Sigma; max(0, f<sub>i</sub> - h<sub>i</sub>) - unallocatedFloors
 * </pre>
 *
 * the memory that is neither held nor owed to any floor. A request for n bytes by slot i is
 * split into the part that fills the slot's own floor (granted without touching slack: the
 * floor was already set aside) and the part above it, which must fit in slack. The part above
 * the guarantee is a <em>loan</em>: it must also stay within L<sub>i</sub> and leave
 * {@code reserveBytes} of slack for others' growth, and there is none while lending is paused
 * (the native headroom guard found the container short of memory).
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>slack &ge; 0 at all times, hence &Sigma; h<sub>i</sub> &le; T: the TaskManager never
 *       uses more managed memory than Flink was configured with.
 *   <li>Every slot can always reach its floor at once, because floors are subtracted from slack
 *       before anything is lent.
 *   <li>Under {@link PolicyKind#STATIC} the floor is the whole guarantee and L = G, so every
 *       request Flink would grant is granted and every other one is refused: Flink's behaviour.
 * </ul>
 *
 * <h2>Concurrency</h2>
 *
 * The slot's {@code held} and the pool's {@code slack} are two atomics. A reservation takes
 * slack first, then moves {@code held} with a compare-and-set from the value it based its
 * split on; if that fails it gives the slack back and retries. A release moves {@code held}
 * first and returns slack after. Between the two steps slack is lower than the truth, never
 * higher, so the invariants hold under any interleaving. Neither path locks or allocates.
 * Closing a slot swaps its {@code held} for a negative marker, so a reservation that races with
 * {@code unregister} fails its compare-and-set instead of landing on a settled account.
 * Registration and deregistration of slots are rare and synchronized.
 */
public final class TaskManagerPool {

    /** Flink's fractions of a slot's share round down, so a slot's plans may sum to a few bytes less than its share. */
    private static final long PLAN_ROUNDING_BYTES = 1L << 20;
    /** How often a plan sized from the slack is sized again when other slots took that slack first. */
    private static final int PLAN_ATTEMPTS = 8;

    private final int id;
    private final long totalBytes;
    private final int numberOfSlots;
    private final long defaultSlotBytes;
    private final double floorFraction;
    private final long reserveBytes;
    private final long reclaimTimeoutNanos;
    private final AllocationPolicy policy;

    private final AtomicLong slack;
    /** Set by the headroom guard when native memory runs short, or for good by {@link #stopLending}: no new loans. */
    private volatile boolean lendingPaused;
    private volatile boolean lendingStopped;
    /** The part of a satisfied slot's guarantee the policy does not lend now (its lending tuner's knob). */
    private volatile double protectedFraction;
    private long unallocatedFloorBytes;
    private volatile SlotAccount[] slots = new SlotAccount[0];
    private volatile boolean closed;

    private final PoolStatistics stats = new PoolStatistics();

    public TaskManagerPool(
            int id,
            long totalBytes,
            int numberOfSlots,
            long defaultSlotBytes,
            double floorFraction,
            double reserveFraction,
            long reclaimTimeoutNanos,
            AllocationPolicy policy) {
        if (totalBytes < 0 || numberOfSlots <= 0 || defaultSlotBytes < 0) {
            throw new IllegalArgumentException(
                    "total " + totalBytes + ", slots " + numberOfSlots + ", slot " + defaultSlotBytes);
        }
        this.id = id;
        this.totalBytes = totalBytes;
        this.numberOfSlots = numberOfSlots;
        this.defaultSlotBytes = Math.min(defaultSlotBytes, totalBytes / numberOfSlots);
        this.floorFraction = floorFraction;
        this.reserveBytes = (long) (reserveFraction * totalBytes);
        this.reclaimTimeoutNanos = reclaimTimeoutNanos;
        this.policy = policy;
        this.unallocatedFloorBytes = numberOfSlots * floorOf(this.defaultSlotBytes);
        this.slack = new AtomicLong(totalBytes - unallocatedFloorBytes);
    }

    private long floorOf(long guarantee) {
        return (long) (floorFraction * guarantee);
    }

    // ------------------------------------------------------------------------
    //  Slot lifecycle (rare, synchronized)
    // ------------------------------------------------------------------------

    /**
     * Opens an account for a newly allocated slot whose static share is {@code guaranteeBytes}.
     * The account's index is the lowest one no live slot uses, so meter tags stay within
     * 0..slots-1 even though Flink numbers dynamic slots upwards forever.
     */
    public synchronized SlotAccount register(String jobId, String allocationId, long guaranteeBytes) {
        int index = lowestFreeIndex();
        long wantedFloor = floorOf(guaranteeBytes);
        long fromUnallocated = Math.min(wantedFloor, unallocatedFloorBytes);
        long fromSlack = takeSlackUpTo(wantedFloor - fromUnallocated);
        unallocatedFloorBytes -= fromUnallocated;
        long floor = fromUnallocated + fromSlack;
        if (floor < wantedFloor) {
            stats.floorShortfalls.incrementAndGet();
        }
        SlotAccount slot =
                new SlotAccount(index, jobId, allocationId, guaranteeBytes, floor, fromUnallocated);
        slot.limitBytes = policy.initialLimit(this, slot);
        SlotAccount[] next = Arrays.copyOf(slots, slots.length + 1);
        next[next.length - 1] = slot;
        slots = next;
        return slot;
    }

    private int lowestFreeIndex() {
        int index = 0;
        boolean taken = true;
        while (taken) {
            taken = false;
            for (SlotAccount s : slots) {
                if (s.index() == index) {
                    taken = true;
                    index++;
                    break;
                }
            }
        }
        return index;
    }

    /**
     * Closes a slot's account: everything it still held goes back to the pool and its floor
     * becomes an unallocated slot's floor again. Later releases against it are ignored.
     */
    public synchronized void unregister(SlotAccount slot) {
        if (slot.closed) {
            return;
        }
        slot.closed = true;
        long earmark = slot.earmarked.getAndSet(0);
        long held = slot.held.getAndSet(SlotAccount.CLOSED_HELD);
        slot.reservedAtClose = Math.max(0, held - earmark);
        long deficit = Math.max(0, slot.floorBytes - held);
        unallocatedFloorBytes += slot.floorFromUnallocated;
        slack.addAndGet(held + deficit - slot.floorFromUnallocated);
        SlotAccount[] current = slots;
        SlotAccount[] next = new SlotAccount[Math.max(0, current.length - 1)];
        int j = 0;
        for (SlotAccount s : current) {
            if (s != slot && j < next.length) {
                next[j++] = s;
            }
        }
        slots = j == next.length ? next : Arrays.copyOf(next, j);
    }

    private long takeSlackUpTo(long bytes) {
        while (bytes > 0) {
            long s = slack.get();
            long take = Math.min(bytes, Math.max(0, s));
            if (take == 0 || slack.compareAndSet(s, s - take)) {
                return take;
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------------
    //  Hot path: reserve and release (lock-free, allocation-free)
    // ------------------------------------------------------------------------

    /**
     * Reserves {@code bytes} for the slot: from its earmark first, then under the rules in the
     * class comment. Returns false, changing nothing, when the rules refuse.
     */
    public boolean reserve(SlotAccount slot, long bytes) {
        return reserve(slot, bytes, true);
    }

    /**
     * Reserves {@code bytes} for the slot. With {@code fromEarmark}, memory set aside for the
     * slot's planned consumers is used first; a borrowing sorter passes false, so it can never
     * eat a plan the pool promised to another consumer of its slot.
     */
    public boolean reserve(SlotAccount slot, long bytes, boolean fromEarmarkFirst) {
        if (bytes <= 0) {
            return true;
        }
        if (slot.closed) {
            return false;
        }
        long fromEarmark = fromEarmarkFirst ? takeEarmark(slot, bytes) : 0;
        long rest = bytes - fromEarmark;
        if (rest == 0 || commit(slot, rest, true)) {
            notePeak(slot);
            return true;
        }
        if (fromEarmark > 0) {
            slot.earmarked.addAndGet(fromEarmark);
        }
        return false;
    }

    /** Returns {@code bytes} the slot's consumers freed. */
    public void release(SlotAccount slot, long bytes) {
        if (bytes <= 0 || slot.closed) {
            return;
        }
        uncommit(slot, bytes);
    }

    private static long takeEarmark(SlotAccount slot, long bytes) {
        while (true) {
            long e = slot.earmarked.get();
            if (e == 0) {
                return 0;
            }
            long take = Math.min(e, bytes);
            if (slot.earmarked.compareAndSet(e, e - take)) {
                return take;
            }
        }
    }

    /**
     * Moves {@code n} bytes into the slot's held bytes if the rules allow it. A refusal within the
     * guarantee counts as a shortfall only if {@code countShortfall}: an eager plan polls while it
     * waits for lent memory and counts its one shortfall itself.
     */
    private boolean commit(SlotAccount slot, long n, boolean countShortfall) {
        while (true) {
            long h = slot.held.get();
            if (h == SlotAccount.CLOSED_HELD) {
                return false; // unregister won the race; its account is settled
            }
            long after = h + n;
            long belowFloor = Math.max(0, Math.min(n, slot.floorBytes - h));
            long aboveFloor = n - belowFloor;
            long mustLeave = 0;
            if (after > slot.guaranteeBytes()) {
                if (after > slot.limitBytes || lendingPaused) {
                    slot.denials.incrementAndGet();
                    stats.deniedLoans.incrementAndGet();
                    return false;
                }
                mustLeave = reserveBytes;
            }
            if (aboveFloor > 0 && !takeSlack(aboveFloor, mustLeave)) {
                slot.denials.incrementAndGet();
                if (after <= slot.guaranteeBytes()) {
                    // Flink would have granted this: memory the slot lent is still out.
                    if (countShortfall) {
                        stats.shortfalls.incrementAndGet();
                        stats.shortfallBytes.addAndGet(n);
                    }
                } else {
                    stats.deniedLoans.incrementAndGet();
                }
                return false;
            }
            if (slot.held.compareAndSet(h, after)) {
                if (after > slot.guaranteeBytes()) {
                    stats.loans.incrementAndGet();
                    noteMax(slot.borrowedPeak, after - slot.guaranteeBytes());
                }
                return true;
            }
            if (aboveFloor > 0) {
                slack.addAndGet(aboveFloor);
            }
        }
    }

    private boolean takeSlack(long bytes, long mustLeave) {
        while (true) {
            long s = slack.get();
            if (s - bytes < mustLeave) {
                return false;
            }
            if (slack.compareAndSet(s, s - bytes)) {
                return true;
            }
        }
    }

    private void uncommit(SlotAccount slot, long n) {
        while (true) {
            long h = slot.held.get();
            if (h == SlotAccount.CLOSED_HELD) {
                return;
            }
            long take = n;
            if (h < n) {
                if (slot.closed) {
                    return;
                }
                stats.accountingErrors.incrementAndGet();
                take = h;
            }
            long after = h - take;
            if (slot.held.compareAndSet(h, after)) {
                if (after == 0 && slot.loweredBytes.get() != 0) {
                    slot.loweredBytes.set(0);
                }
                long belowFloor = Math.max(0, Math.min(take, slot.floorBytes - after));
                if (take > belowFloor) {
                    // Within the floor a release only refills the slot's own floor: no slack moves.
                    slack.addAndGet(take - belowFloor);
                }
                return;
            }
        }
    }

    private static void notePeak(SlotAccount slot) {
        noteMax(slot.peakReserved, slot.held.get() - slot.earmarked.get());
    }

    private static void noteMax(AtomicLong peak, long value) {
        long p;
        while (value > (p = peak.get())) {
            if (peak.compareAndSet(p, value)) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------
    //  Sizing: what consumers may plan with (task threads, once per consumer)
    // ------------------------------------------------------------------------

    /**
     * Bytes the slot could reserve right now: its earmark, the rest of its floor, its guarantee
     * as far as slack covers it, and loans up to its entitlement leaving the reserve.
     */
    public long grantableBytes(SlotAccount slot) {
        if (slot.closed) {
            return 0;
        }
        long position = slot.heldBytes();
        long available = slack.get();
        long room = 0;
        if (position < slot.floorBytes) {
            room += slot.floorBytes - position;
            position = slot.floorBytes;
        }
        long guarantee = slot.guaranteeBytes();
        if (position < guarantee) {
            long within = Math.max(0, Math.min(guarantee - position, available));
            room += within;
            available -= within;
            position += within;
            if (position < guarantee) {
                return slot.earmarked.get() + room;
            }
        }
        long cap = lendingPaused ? guarantee : Math.min(slot.limitBytes, totalBytes);
        if (position < cap) {
            room += Math.max(0, Math.min(cap - position, available - reserveBytes));
        }
        return slot.earmarked.get() + room;
    }

    /**
     * The memory size a lazy consumer (one that allocates page by page and spills when refused)
     * may plan with: Flink's size plus everything the slot could borrow now, counting other
     * slots' earmarks as free. Over-promising is safe for lazy consumers because every page is
     * still granted by {@link #reserve}, which never hands out another consumer's earmark; a
     * refused page makes them spill, exactly as a full static budget would.
     *
     * <p>Why earmarks count as free: the sorters of one job are built within milliseconds of each
     * other, and each one's operator earmarks its whole plan just before its sorter gives that
     * earmark back. A hot sorter built inside a neighbour's window would otherwise see no room and
     * keep Flink's size for its whole run. An earmark that is a real plan (a hash table's) is
     * still never taken: the sorter only plans beyond it, and grows into it if it is freed.
     */
    public long lazyPlanBytes(SlotAccount slot, long flinkBytes) {
        if (!policy.lends() || slot.closed || lendingPaused) {
            return flinkBytes;
        }
        long reachable = slot.heldBytes() - slot.earmarked.get() + grantableBytes(slot) + othersReleasableEarmarks(slot);
        long cap = Math.min(slot.limitBytes, totalBytes);
        return flinkBytes + Math.max(0, Math.min(reachable, cap) - slot.guaranteeBytes());
    }

    /** What other slots' earmarks would give back to the slack if they were released (their part above the floor). */
    private long othersReleasableEarmarks(SlotAccount slot) {
        long sum = 0;
        for (SlotAccount s : slots) {
            if (s != slot) {
                long held = s.held.get();
                sum += Math.max(0, Math.min(s.earmarked.get(), held - s.floorBytes));
            }
        }
        return sum;
    }

    /**
     * Sets aside memory for an eager consumer (one that allocates its whole plan at once and
     * fails if it cannot) and returns the size it may plan with. Flink's size is honoured when
     * the slot's unused guarantee is free, possibly after waiting up to the reclaim timeout for
     * borrowers to return it; otherwise the plan shrinks by what is still out on loan, but not
     * below {@code minimumBytes}. Each shrunk plan counts as one shortfall of the bytes it lacks.
     */
    public long earmarkPlanBytes(SlotAccount slot, long flinkBytes, long minimumBytes) {
        return earmarkPlanBytes(slot, flinkBytes, minimumBytes, false);
    }

    /**
     * As {@link #earmarkPlanBytes(SlotAccount, long, long)}; with {@code wholePlan} the whole plan
     * is set aside even when the slot already holds its guarantee (a sorter in the same slot may
     * have borrowed), because a table operator that is not a sorter cannot cope with a refused
     * page below its plan. Without it only the part of the plan within the slot's unused
     * guarantee is set aside: what Flink itself would have had free.
     */
    public long earmarkPlanBytes(SlotAccount slot, long flinkBytes, long minimumBytes, boolean wholePlan) {
        if (!policy.lends() || slot.closed || flinkBytes <= 0) {
            return flinkBytes;
        }
        long covered = wholePlan
                ? flinkBytes
                : Math.min(flinkBytes, Math.max(0, slot.guaranteeBytes() - slot.heldBytes()));
        if (covered == 0) {
            return flinkBytes;
        }
        if (commit(slot, covered, false)) {
            addEarmark(slot, covered);
            return flinkBytes;
        }
        long start = System.nanoTime();
        long deadline = start + reclaimTimeoutNanos;
        boolean granted = false;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (commit(slot, covered, false)) {
                granted = true;
                break;
            }
        }
        stats.reclaimWaits.incrementAndGet();
        stats.reclaimWaitNanos.addAndGet(System.nanoTime() - start);
        if (granted) {
            addEarmark(slot, covered);
            return flinkBytes;
        }
        long got = 0;
        for (int attempt = 0; attempt < PLAN_ATTEMPTS && got == 0; attempt++) {
            long room = grantableBytes(slot) - slot.earmarked.get();
            long possible = Math.min(covered, Math.min(room, shortShare(slot, flinkBytes, room)));
            if (possible <= 0) {
                break;
            }
            if (commit(slot, possible, false)) {
                got = possible;
            }
        }
        if (got > 0) {
            addEarmark(slot, got);
        }
        long missing = covered - got;
        if (missing > 0) {
            stats.shortfalls.incrementAndGet();
            stats.shortfallBytes.addAndGet(missing);
        }
        return Math.max(minimumBytes, flinkBytes - missing);
    }

    /**
     * A table operator's plan from memory grant feedback: {@code wantedBytes} is what its own
     * vertex and subtask needed in earlier runs, with a margin; -1 when unknown.
     * Below Flink's size the plan is lowered to it, but not below {@code minimumBytes} or the
     * floor fraction of Flink's size, so a consumer whose input grew since loses at most that much
     * of its plan once; the memory it does not set aside is what a hot neighbour can borrow.
     * Above Flink's size the plan is raised as far as the slot can set aside at once (its
     * entitlement, the pool's reserve and lenders' protected shares all apply, as for any loan),
     * and the whole plan is earmarked, so every page of it is granted later: a hash table cannot
     * cope with a refused page below its plan. Only the last of a slot's consumers to plan is
     * raised, the one whose Flink size is all the slot's unused share (what earlier lowered plans
     * saved counts as planned: no consumer is still to plan with it): a raise taken while another
     * consumer of the slot (a hash aggregation chained behind a join, an operator of another task
     * in the slot) is still to plan with its Flink fraction would take that consumer's share, and
     * it could then be left short of its minimum. A pinned slot, a paused pool or a policy that
     * does not lend plans as {@link #earmarkPlanBytes(SlotAccount, long, long, boolean)} does.
     */
    public long feedbackPlanBytes(SlotAccount slot, long flinkBytes, long wantedBytes, long minimumBytes) {
        if (wantedBytes < 0 || !policy.lends() || slot.closed || slot.pinned || flinkBytes <= 0) {
            return earmarkPlanBytes(slot, flinkBytes, minimumBytes, true);
        }
        long lowest = Math.max(minimumBytes, (long) (floorFraction * flinkBytes));
        long target = Math.max(lowest, wantedBytes);
        if (target < flinkBytes) {
            stats.lowerPlans.incrementAndGet();
            stats.lowerPlanBytes.addAndGet(flinkBytes - target);
            long planned = earmarkPlanBytes(slot, target, minimumBytes, true);
            slot.loweredBytes.addAndGet(flinkBytes - target);
            return planned;
        }
        long unplannedShare = slot.guaranteeBytes() - slot.heldBytes() - slot.loweredBytes.get() - flinkBytes;
        // Other slots' consumers plan at the same moment (a job's subtasks open together) and may
        // take the slack this plan was sized with: size it again with what is left.
        for (int attempt = 0; attempt < PLAN_ATTEMPTS && unplannedShare <= PLAN_ROUNDING_BYTES && !lendingPaused; attempt++) {
            long plan = Math.min(target, grantableBytes(slot) - slot.earmarked.get());
            if (plan <= flinkBytes) {
                break;
            }
            if (commit(slot, plan, false)) {
                addEarmark(slot, plan);
                stats.raisedPlans.incrementAndGet();
                stats.raisedPlanBytes.addAndGet(plan - flinkBytes);
                return plan;
            }
        }
        return earmarkPlanBytes(slot, flinkBytes, minimumBytes, true);
    }

    /**
     * A consumer's part of what its slot can hold while its lent memory is out: Flink's fraction
     * for it ({@code flinkBytes / guarantee}) of the slot's reach (what it holds plus
     * {@code room}, at most its guarantee). Scaling each plan by its own fraction, as Flink scales
     * the share, leaves room for the slot's next consumers: the first of two hash aggregations
     * chained in one task would otherwise take the slot's whole floor and leave the second
     * nothing, not even its minimum, and its first page would be refused.
     */
    private static long shortShare(SlotAccount slot, long flinkBytes, long room) {
        long guarantee = slot.guaranteeBytes();
        long reach = Math.min(guarantee, slot.heldBytes() + Math.max(0, room));
        if (flinkBytes >= guarantee || guarantee <= 0) {
            return reach;
        }
        return (long) ((double) flinkBytes / guarantee * reach);
    }

    /**
     * Gives back up to {@code bytes} of the slot's earmark: a plan that turned out to belong to a
     * consumer that copes with refused pages (a sorter) needs nothing set aside.
     */
    public void releaseEarmark(SlotAccount slot, long bytes) {
        long e = takeEarmark(slot, bytes);
        if (e > 0) {
            uncommit(slot, e);
        }
    }

    /**
     * Records that a lazy consumer asked for {@code wantedBytes} and the pool could grant only
     * {@code grantedBytes}: the part Flink would have granted (within the slot's guarantee) is a
     * shortfall, the rest a refused loan.
     */
    public void noteLazyRefusal(SlotAccount slot, long wantedBytes, long grantedBytes) {
        long withinGuarantee = Math.min(wantedBytes, Math.max(0, slot.guaranteeBytes() - slot.heldBytes()));
        long missing = withinGuarantee - grantedBytes;
        slot.denials.incrementAndGet();
        if (missing > 0) {
            stats.shortfalls.incrementAndGet();
            stats.shortfallBytes.addAndGet(missing);
        } else {
            stats.deniedLoans.incrementAndGet();
        }
    }

    private static void addEarmark(SlotAccount slot, long bytes) {
        slot.earmarked.addAndGet(bytes);
        slot.earmarkedAtNanos = System.nanoTime();
    }

    /**
     * Waits up to the reclaim timeout until the slot could reserve {@code bytes}; used before a
     * consumer's first page, without which it cannot run. Returns whether it can now.
     */
    public boolean awaitGrantable(SlotAccount slot, long bytes) {
        if (grantableBytes(slot) >= bytes) {
            return true;
        }
        long start = System.nanoTime();
        long deadline = start + reclaimTimeoutNanos;
        boolean ok = false;
        while (!ok && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            ok = grantableBytes(slot) >= bytes;
        }
        stats.reclaimWaits.incrementAndGet();
        stats.reclaimWaitNanos.addAndGet(System.nanoTime() - start);
        return ok;
    }

    /** Gives back an earmark its consumer did not use within {@code ttlNanos}. Controller only. */
    public void expireEarmark(SlotAccount slot, long nowNanos, long ttlNanos) {
        // While the slot's consumers hold pages, a planned consumer may still be growing into its
        // earmark; it is only given back once the slot is idle.
        if (slot.earmarked.get() == 0 || nowNanos - slot.earmarkedAtNanos < ttlNanos || slot.reservedBytes() > 0) {
            return;
        }
        long e = slot.earmarked.getAndSet(0);
        if (e > 0) {
            stats.expiredEarmarkBytes.addAndGet(e);
            uncommit(slot, e);
        }
    }

    // ------------------------------------------------------------------------
    //  Fail-open bookkeeping
    // ------------------------------------------------------------------------

    /** Records that {@code bytes} went to Flink's own budget because the agent failed. */
    public void noteFlinkOwned(SlotAccount slot, long bytes) {
        slot.flinkOwned.addAndGet(bytes);
    }

    /** Claims {@code bytes} of a release for Flink's own budget, if it holds that many. */
    public boolean claimFlinkOwned(SlotAccount slot, long bytes) {
        while (true) {
            long owned = slot.flinkOwned.get();
            if (owned < bytes) {
                return false;
            }
            if (slot.flinkOwned.compareAndSet(owned, owned - bytes)) {
                return true;
            }
        }
    }

    // ------------------------------------------------------------------------
    //  Read side (controller, meters, tests)
    // ------------------------------------------------------------------------

    public int id() {
        return id;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public int numberOfSlots() {
        return numberOfSlots;
    }

    public long defaultSlotBytes() {
        return defaultSlotBytes;
    }

    public long reserveBytes() {
        return reserveBytes;
    }

    /** The floors still owed to slots that are not allocated. */
    public synchronized long unallocatedFloorBytes() {
        return unallocatedFloorBytes;
    }

    /** The floor an unallocated default slot is owed. */
    public long defaultFloorBytes() {
        return floorOf(defaultSlotBytes);
    }

    /** Sets a slot's entitlement; the policy's only way to act. */
    public void setLimit(SlotAccount slot, long limitBytes) {
        slot.limitBytes = limitBytes;
    }

    /** Pins a slot to its static share for the rest of its allocation (its entitlement oscillated). */
    public void pin(SlotAccount slot) {
        if (!slot.pinned) {
            slot.pinned = true;
            stats.pins.incrementAndGet();
        }
    }

    /** Records a move of the policy's lending tuner: the new protected fraction, and whether it was a revert. */
    public void noteTuning(double fraction, boolean reverted) {
        protectedFraction = fraction;
        (reverted ? stats.tuningReverts : stats.tuningSteps).incrementAndGet();
    }

    /** The fraction of a satisfied slot's guarantee the policy does not lend now; the floor fraction until tuned. */
    public double protectedFraction() {
        return Math.max(floorFraction, protectedFraction);
    }

    public double floorFraction() {
        return floorFraction;
    }

    /**
     * Records the estimator's demand for the slot's live consumers (-1: no estimate), and whether it
     * may bound a borrower; see {@link SlotAccount#predictedDemandBytes()} and
     * {@link SlotAccount#predictedDemandBounds()}.
     */
    public void setPredictedDemand(SlotAccount slot, long bytes, boolean bounds) {
        slot.predictedDemandBounds = bounds;
        slot.predictedDemandBytes = bytes < 0 ? -1 : bytes;
    }

    /** A demand known exactly enough to bound a borrower (a replayed or recorded one). */
    public void setPredictedDemand(SlotAccount slot, long bytes) {
        setPredictedDemand(slot, bytes, true);
    }

    /** Stops (true) or resumes new loans; loans already out are not touched. A stopped pool stays stopped. */
    public synchronized void setLendingPaused(boolean paused) {
        lendingPaused = paused || lendingStopped;
    }

    /**
     * Stops new loans for the rest of the pool's life: the agent's picture of the pool can no
     * longer be trusted (a hook that protects plans or accounts bytes failed), so every slot is
     * held to its static share, which is Flink's own split. Loans already out come back as their
     * borrowers finish. Returns true for the call that stopped it.
     */
    public boolean stopLending() {
        if (lendingStopped) {
            return false; // a hook failing on every call must not take the lock every time
        }
        synchronized (this) {
            boolean first = !lendingStopped;
            lendingStopped = true;
            lendingPaused = true;
            return first;
        }
    }

    public boolean lendingStopped() {
        return lendingStopped;
    }

    public boolean lendingPaused() {
        return lendingPaused;
    }

    public AllocationPolicy policy() {
        return policy;
    }

    /** The live slot accounts; a snapshot that callers must not modify. */
    public SlotAccount[] slots() {
        return slots;
    }

    /** Memory neither held nor owed to a floor. */
    public long slackBytes() {
        return slack.get();
    }

    /** Sum of all slots' held bytes. */
    public long heldBytes() {
        long sum = 0;
        for (SlotAccount s : slots) {
            sum += s.heldBytes();
        }
        return sum;
    }

    /** Bytes not held by any slot. */
    public long freeBytes() {
        return totalBytes - heldBytes();
    }

    /** Bytes held beyond their guarantees by all slots together. */
    public long borrowedBytes() {
        long sum = 0;
        for (SlotAccount s : slots) {
            sum += s.borrowedBytes();
        }
        return sum;
    }

    /**
     * The part of the slot's guarantee that others are using: the pool's borrowed bytes,
     * attributed to lenders in proportion to the part of their guarantee they leave unused.
     */
    public long lentBytes(SlotAccount slot) {
        long borrowed = 0;
        long unused = 0;
        for (SlotAccount s : slots) {
            borrowed += s.borrowedBytes();
            unused += Math.max(0, s.guaranteeBytes() - s.heldBytes());
        }
        long mine = Math.max(0, slot.guaranteeBytes() - slot.heldBytes());
        if (borrowed == 0 || unused == 0 || slot.closed) {
            return 0;
        }
        return (long) ((double) borrowed * mine / unused);
    }

    public PoolStatistics statistics() {
        return stats;
    }

    public boolean isClosed() {
        return closed;
    }

    public void close() {
        closed = true;
    }

    /**
     * Checks the invariants from the class comment against a quiescent pool; used by tests and
     * by the controller's self-check. Returns null when they hold, else a description.
     */
    public synchronized String checkInvariants() {
        long held = 0;
        long deficits = 0;
        for (SlotAccount s : slots) {
            long h = s.held.get();
            if (h < 0 || s.earmarked.get() < 0 || s.earmarked.get() > h) {
                return s + " has held " + h + ", earmarked " + s.earmarked.get();
            }
            held += h;
            deficits += Math.max(0, s.floorBytes - h);
        }
        long expectedSlack = totalBytes - held - deficits - unallocatedFloorBytes;
        if (held > totalBytes) {
            return "held " + held + " exceeds total " + totalBytes;
        }
        if (slack.get() != expectedSlack) {
            return "slack " + slack.get() + " but expected " + expectedSlack;
        }
        if (slack.get() < 0) {
            return "negative slack " + slack.get();
        }
        return null;
    }

    @Override
    public String toString() {
        return "TaskManager pool " + id + " (" + totalBytes + " bytes, " + numberOfSlots + " slots, "
                + policy.kind().id() + ")";
    }
}
