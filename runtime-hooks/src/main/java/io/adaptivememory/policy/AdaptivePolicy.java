package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

/**
 * Entitlements that follow observed and predicted demand.
 *
 * <p>A slot is <em>hungry</em> when it holds more than its guarantee or was refused memory since
 * the last tick. Every other slot has a <em>claim</em>: what it holds, but at least its
 * <em>protected</em> bytes: its floor, raised to the {@link LendingTuner}'s protected fraction of
 * its guarantee, and to the estimator's upper demand estimate for its live consumers (prediction
 * plus its uncertainty margin, capped at the guarantee, and at what a consumer's own subtask
 * needed before: {@code ConsumerTracker.start}) when there is one. The more unsure the
 * estimator, the larger the margin and the less of a lender's share is lent: lend less when
 * unsure.
 *
 * <p>Hungry slots share the capacity C = T &minus; reserve &minus; unallocated floors &minus;
 * the satisfied slots' claims by the exact {@link WaterFilling} solution: each gets at least what
 * it holds (and its protected bytes), at most its demand (the estimator's upper estimate while it
 * holds less than that, otherwise unknown and so the whole capacity), waste minimised, max-min
 * fair when demand exceeds supply. A lone hungry slot without an estimate therefore may take
 * everything the others' claims leave: greedy growth is what removes a skewed sorter's spill,
 * because a sorter decides early and memory arriving after its first buffer fills no longer helps
 * it. A satisfied slot may grow to the pool total while no lender has anything protected above its
 * floor (the floors already keep every lender's part), and otherwise to what the others' claims
 * leave, at least its guarantee. The {@link Stabilizer} damps every change before it is set.
 * Nothing is ever taken back from a consumer: an entitlement below what a slot holds only stops
 * its growth.
 */
public final class AdaptivePolicy implements AllocationPolicy {

    private static final String NO_BORROWER = "no borrower";
    private static final String NO_BORROWER_PROTECTED = "no borrower, lenders protected";
    private static final String BORROWER = "solved between borrowers";
    private static final String SATISFIED = "satisfied";
    private static final String SATISFIED_PROTECTED = "satisfied, lenders protected";

    private final WaterFilling solver = new WaterFilling();
    private final Stabilizer stabilizer;
    private final LendingTuner tuner;
    private long[] claims = new long[0];
    private boolean[] hungryFlags = new boolean[0];
    private long[] lower = new long[0];
    private long[] upper = new long[0];
    private long[] solved = new long[0];

    /** The policy with the defaults' damping and tuning. */
    public AdaptivePolicy() {
        this(Stability.DEFAULT);
    }

    public AdaptivePolicy(Stability stability) {
        this.stabilizer = new Stabilizer(stability);
        this.tuner = new LendingTuner(stability.tuningPeriodNanos());
    }

    @Override
    public PolicyKind kind() {
        return PolicyKind.ADAPTIVE;
    }

    @Override
    public long initialLimit(TaskManagerPool pool, SlotAccount slot) {
        return pool.totalBytes();
    }

    /**
     * A slot's floor, raised to {@code protectedFraction} of its guarantee and to its predicted
     * demand (capped at its guarantee) when it has one.
     */
    static long protectedBytes(SlotAccount s, double protectedFraction) {
        long base = Math.max(s.floorBytes(), (long) (protectedFraction * s.guaranteeBytes()));
        long predicted = s.predictedDemandBytes();
        return predicted < 0 ? base : Math.max(base, Math.min(s.guaranteeBytes(), predicted));
    }

    /**
     * A hungry slot's demand: its prediction while it holds less, if that prediction may bound it;
     * otherwise unknown (the whole capacity).
     */
    private static long demand(SlotAccount s, long capacity) {
        long predicted = s.predictedDemandBytes();
        return s.predictedDemandBounds() && predicted > s.heldBytes() ? predicted : capacity;
    }

    @Override
    public synchronized void rebalance(TaskManagerPool pool, long nowNanos) {
        SlotAccount[] slots = pool.slots();
        ensureCapacity(slots.length);
        double protectedFraction = tuner.protectedFraction(pool, nowNanos);
        int hungry = 0;
        long satisfied = 0;
        long allClaims = 0;
        boolean protectedAboveFloors = false;
        for (int i = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            boolean refused = s.takeNewDenials();
            hungryFlags[i] = s.heldBytes() > s.guaranteeBytes() || refused;
            long protect = protectedBytes(s, protectedFraction);
            protectedAboveFloors |= !hungryFlags[i] && protect > Math.max(s.heldBytes(), s.floorBytes());
            claims[i] = hungryFlags[i] ? s.heldBytes() : Math.max(s.heldBytes(), protect);
            allClaims += claims[i];
            if (hungryFlags[i]) {
                lower[hungry++] = Math.max(s.heldBytes(), protect);
            } else {
                satisfied += claims[i];
            }
        }
        long capacity = pool.totalBytes() - pool.reserveBytes() - pool.unallocatedFloorBytes();
        long hungryCapacity = capacity - satisfied;
        for (int i = 0, h = 0; i < slots.length; i++) {
            if (hungryFlags[i]) {
                upper[h++] = demand(slots[i], Math.max(0, hungryCapacity));
            }
        }
        solver.solve(lower, upper, hungry, hungryCapacity, solved);
        for (int i = 0, h = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            long target;
            String reason;
            if (hungryFlags[i]) {
                target = solved[h++];
                reason = BORROWER;
            } else {
                target = protectedAboveFloors
                        ? Math.max(s.heldBytes(), capacity - (allClaims - claims[i]))
                        : pool.totalBytes();
                reason = hungry == 0
                        ? protectedAboveFloors ? NO_BORROWER_PROTECTED : NO_BORROWER
                        : protectedAboveFloors ? SATISFIED_PROTECTED : SATISFIED;
            }
            Entitlements.set(pool, s, stabilizer.next(pool, s, target, nowNanos, hungryFlags[i]), reason);
        }
    }

    private void ensureCapacity(int n) {
        if (claims.length < n) {
            int size = Math.max(n, 2 * claims.length);
            claims = new long[size];
            hungryFlags = new boolean[size];
            lower = new long[size];
            upper = new long[size];
            solved = new long[size];
        }
    }
}
