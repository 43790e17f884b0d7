package io.adaptivememory.policy;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import java.util.Arrays;

/**
 * Entitlements that follow observed demand.
 *
 * <p>A slot is <em>hungry</em> when it holds more than its guarantee or was refused memory since
 * the last tick. While at most one slot is hungry it may take everything the floors and the
 * reserve leave (L = T): greedy growth is what removes a skewed sorter's spill, because a sorter
 * decides early and memory arriving after its first buffer fills no longer helps it. When
 * several slots are hungry at once the borrowable memory is water-filled between them
 * (max-min fairness): with C the pool minus what the satisfied slots hold or are owed, the level
 * &lambda; solves &Sigma;<sub>hungry</sub> max(h<sub>i</sub>, &lambda;) = C and each hungry
 * slot's entitlement is max(h<sub>i</sub>, &lambda;, G<sub>i</sub>). Nothing is ever taken back
 * from a consumer: an entitlement below what a slot holds only stops its growth.
 */
public final class AdaptivePolicy implements AllocationPolicy {

    private long[] levels = new long[0];
    private boolean[] hungryFlags = new boolean[0];

    @Override
    public PolicyKind kind() {
        return PolicyKind.ADAPTIVE;
    }

    @Override
    public long initialLimit(TaskManagerPool pool, SlotAccount slot) {
        return pool.totalBytes();
    }

    @Override
    public synchronized void rebalance(TaskManagerPool pool, long nowNanos) {
        SlotAccount[] slots = pool.slots();
        ensureCapacity(slots.length);
        int hungry = 0;
        long satisfied = 0;
        for (int i = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            boolean refused = s.takeNewDenials();
            hungryFlags[i] = s.heldBytes() > s.guaranteeBytes() || refused;
            if (hungryFlags[i]) {
                levels[hungry++] = s.heldBytes();
            } else {
                satisfied += Math.max(s.heldBytes(), s.floorBytes());
            }
        }
        if (hungry <= 1) {
            for (SlotAccount s : slots) {
                Entitlements.set(pool, s, pool.totalBytes(), hungry == 0 ? "no borrower" : "single borrower");
            }
            return;
        }
        long capacity = pool.totalBytes() - satisfied - pool.reserveBytes() - pool.unallocatedFloorBytes();
        long level = waterLevel(levels, hungry, capacity);
        for (int i = 0; i < slots.length; i++) {
            SlotAccount s = slots[i];
            if (hungryFlags[i]) {
                long limit = Math.max(s.guaranteeBytes(), Math.max(level, s.heldBytes()));
                Entitlements.set(pool, s, limit, "water level between borrowers");
            } else {
                Entitlements.set(pool, s, pool.totalBytes(), "satisfied");
            }
        }
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
            hungryFlags = new boolean[levels.length];
        }
    }
}
