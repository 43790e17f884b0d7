package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.Arrays;

/**
 * Entitlements that follow observed and predicted demand.
 *
 * <p>A slot is <em>hungry</em> when it holds more than its guarantee or was refused memory since
 * the last tick. Every other slot has a <em>claim</em>: what it holds, but at least its
 * <em>protected</em> bytes, which are its floor, raised to the estimator's upper demand estimate
 * for its live consumers (prediction plus its uncertainty margin, capped at the guarantee) when
 * there is one. The more unsure the estimator, the larger the margin and the less of a lender's
 * share is lent: lend less when unsure.
 *
 * <p>While at most one slot is hungry it may take everything the others' claims, the reserve and
 * the unallocated floors leave: L<sub>i</sub> = max(G<sub>i</sub>, h<sub>i</sub>, C &minus;
 * &Sigma;<sub>j&ne;i</sub> claim<sub>j</sub>) with C = T &minus; reserve &minus; unallocated
 * floors (L = T when no slot has a claim above its floor, which the floors already enforce).
 * Greedy growth is what removes a skewed sorter's spill, because a sorter decides early and
 * memory arriving after its first buffer fills no longer helps it. When several slots are hungry
 * the borrowable memory is water-filled between them (max-min fairness): with C' = C minus the
 * satisfied slots' claims, the level &lambda; solves &Sigma;<sub>hungry</sub> max(h<sub>i</sub>,
 * &lambda;) = C' and each hungry slot's entitlement is max(h<sub>i</sub>, &lambda;,
 * G<sub>i</sub>). Nothing is ever taken back from a consumer: an entitlement below what a slot
 * holds only stops its growth.
 */
public final class AdaptivePolicy implements AllocationPolicy {

    private static final String NO_BORROWER = "no borrower";
    private static final String NO_BORROWER_PROTECTED = "no borrower, predicted demand protected";
    private static final String SINGLE_BORROWER = "single borrower";
    private static final String SINGLE_BORROWER_PROTECTED = "single borrower, predicted demand protected";

    private long[] levels = new long[0];
    private long[] claims = new long[0];
    private boolean[] hungryFlags = new boolean[0];

    @Override
    public PolicyKind kind() {
        return PolicyKind.ADAPTIVE;
    }

    @Override
    public long initialLimit(TaskManagerPool pool, SlotAccount slot) {
        return pool.totalBytes();
    }

    /** A slot's floor, raised to its predicted demand (capped at its guarantee) when it has one. */
    static long protectedBytes(SlotAccount s) {
        long predicted = s.predictedDemandBytes();
        return predicted < 0 ? s.floorBytes() : Math.max(s.floorBytes(), Math.min(s.guaranteeBytes(), predicted));
    }

    @Override
    public synchronized void rebalance(TaskManagerPool pool, long nowNanos) {
        SlotAccount[] slots = pool.slots();
        ensureCapacity(slots.length);
        int hungry = 0;
        long satisfied = 0;
        long allClaims = 0;
        boolean predictedAboveFloors = false;
        for (int i = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            boolean refused = s.takeNewDenials();
            hungryFlags[i] = s.heldBytes() > s.guaranteeBytes() || refused;
            long protect = protectedBytes(s);
            predictedAboveFloors |= !hungryFlags[i] && protect > Math.max(s.heldBytes(), s.floorBytes());
            claims[i] = hungryFlags[i] ? s.heldBytes() : Math.max(s.heldBytes(), protect);
            allClaims += claims[i];
            if (hungryFlags[i]) {
                levels[hungry++] = s.heldBytes();
            } else {
                satisfied += claims[i];
            }
        }
        long capacity = pool.totalBytes() - pool.reserveBytes() - pool.unallocatedFloorBytes();
        if (hungry <= 1) {
            String reason = hungry == 0
                    ? predictedAboveFloors ? NO_BORROWER_PROTECTED : NO_BORROWER
                    : predictedAboveFloors ? SINGLE_BORROWER_PROTECTED : SINGLE_BORROWER;
            for (int i = 0; i < slots.length; i++) {
                SlotAccount s = slots[i];
                Entitlements.set(pool, s, greedyLimit(pool, s, capacity, allClaims - claims[i], predictedAboveFloors),
                        reason);
            }
            return;
        }
        long level = waterLevel(levels, hungry, capacity - satisfied);
        for (int i = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            if (hungryFlags[i]) {
                long limit = Math.max(s.guaranteeBytes(), Math.max(level, s.heldBytes()));
                Entitlements.set(pool, s, limit, "water level between borrowers");
            } else {
                Entitlements.set(pool, s, greedyLimit(pool, s, capacity, allClaims - claims[i], predictedAboveFloors),
                        "satisfied");
            }
        }
    }

    /** What a slot may grow to while others keep their claims. */
    private static long greedyLimit(TaskManagerPool pool, SlotAccount s, long capacity, long othersClaims,
            boolean predictedAboveFloors) {
        if (!predictedAboveFloors) {
            return pool.totalBytes();
        }
        return Math.max(Math.max(s.guaranteeBytes(), s.heldBytes()), capacity - othersClaims);
    }

    /** The level &lambda; with &Sigma; max(held_i, &lambda;) = capacity over the first n values. */
    static long waterLevel(long[] held, int n, long capacity) {
        Arrays.sort(held, 0, n);
        long remaining = capacity;
        for (int i = n - 1; i >= 0; i--) {
            long level = remaining / (i + 1);
            if (held[i] <= level) {
                return Math.max(0, level);
            }
            remaining -= held[i];
        }
        return 0;
    }

    private void ensureCapacity(int n) {
        if (levels.length < n) {
            levels = new long[Math.max(n, 2 * levels.length)];
            claims = new long[levels.length];
            hungryFlags = new boolean[levels.length];
        }
    }
}
