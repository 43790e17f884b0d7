package io.adaptivememory.policy;

import static io.adaptivememory.policy.PolicyFixtures.FLOOR_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.MIB;
import static io.adaptivememory.policy.PolicyFixtures.PAGE_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.SLOTS;
import static io.adaptivememory.policy.PolicyFixtures.SLOT_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.TOTAL_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.pool;
import static io.adaptivememory.policy.PolicyFixtures.rebalance;
import static io.adaptivememory.policy.PolicyFixtures.register;
import static io.adaptivememory.policy.PolicyFixtures.reserve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

class AdaptivePolicyTest {

    private static final long SEED = 0xA11CE_2024L;
    private static final int INSTANCES = 20_000;

    // ------------------------------------------------------------------------
    //  waterLevel against brute force
    // ------------------------------------------------------------------------

    /** The largest level in [0, capacity] with sum of max(held, level) <= capacity, else 0. */
    private static long bruteForceLevel(long[] held, int n, long capacity) {
        for (long level = Math.max(0, capacity); level > 0; level--) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.max(held[i], level);
            }
            if (sum <= capacity) {
                return level;
            }
        }
        return 0;
    }

    @Test
    void waterLevel_randomSmallInstances_matchesBruteForce() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int k = 0; k < INSTANCES; k++) {
            int n = 1 + rnd.nextInt(6);
            // Values beyond n are stale entries of the policy's reused array: they must be ignored.
            long[] held = new long[n + rnd.nextInt(3)];
            for (int i = 0; i < held.length; i++) {
                held[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(61);
            }
            long capacity = rnd.nextInt(321) - 20;
            long[] input = held.clone();
            long expected = bruteForceLevel(held, n, capacity);

            long actual = AdaptivePolicy.waterLevel(input, n, capacity);

            assertEquals(expected, actual,
                    "held " + Arrays.toString(Arrays.copyOf(held, n)) + ", capacity " + capacity);
        }
    }

    @Test
    void waterLevel_allBelowEqualShare_isEqualShare() {
        assertEquals(50, AdaptivePolicy.waterLevel(new long[] {10, 20}, 2, 100));
    }

    @Test
    void waterLevel_oneAboveEqualShare_othersShareTheRest() {
        assertEquals(30, AdaptivePolicy.waterLevel(new long[] {70, 5}, 2, 100));
    }

    @Test
    void waterLevel_heldExceedsCapacity_isZero() {
        assertEquals(0, AdaptivePolicy.waterLevel(new long[] {70, 60}, 2, 100));
        assertEquals(0, AdaptivePolicy.waterLevel(new long[] {0, 0}, 2, -5));
    }

    // ------------------------------------------------------------------------
    //  rebalance
    // ------------------------------------------------------------------------

    @Test
    void initialLimit_newSlot_isWholePool() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        assertEquals(TOTAL_BYTES, register(pool, "a").limitBytes());
    }

    @Test
    void rebalance_noBorrower_everyLimitIsTotal() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        reserve(pool, a, SLOT_BYTES);
        pool.setLimit(b, SLOT_BYTES);

        rebalance(pool);

        assertEquals(TOTAL_BYTES, a.limitBytes());
        assertEquals(TOTAL_BYTES, b.limitBytes());
    }

    @Test
    void rebalance_singleBorrower_limitIsTotal() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        reserve(pool, a, 2 * SLOT_BYTES);
        reserve(pool, b, FLOOR_BYTES);
        pool.setLimit(a, 2 * SLOT_BYTES);

        rebalance(pool);

        assertEquals(TOTAL_BYTES, a.limitBytes());
        assertEquals(TOTAL_BYTES, b.limitBytes());
    }

    // ------------------------------------------------------------------------
    //  Predicted demand: lend less of a lender's share when its consumers are expected to need it
    // ------------------------------------------------------------------------

    @Test
    void rebalance_lenderWithPredictedDemand_borrowerLeavesItThatMuch() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount borrower = register(pool, "borrower");
        SlotAccount lender = register(pool, "lender");
        reserve(pool, borrower, 2 * SLOT_BYTES);
        reserve(pool, lender, FLOOR_BYTES);
        pool.setPredictedDemand(lender, 48 * MIB);

        rebalance(pool);

        // C = T - unallocated floors (2 slots); others' claims: the lender's predicted 48 MiB.
        long capacity = TOTAL_BYTES - 2 * FLOOR_BYTES;
        assertEquals(capacity - 48 * MIB, borrower.limitBytes());
        assertEquals(capacity - 2 * SLOT_BYTES, lender.limitBytes(), "the lender may still grow into what is left");
        assertTrue(pool.reserve(lender, 48 * MIB - FLOOR_BYTES), "the protected part is there for the lender");
    }

    @Test
    void rebalance_predictionAboveGuarantee_protectsOnlyTheGuarantee() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount borrower = register(pool, "borrower");
        SlotAccount lender = register(pool, "lender");
        reserve(pool, borrower, 2 * SLOT_BYTES);
        pool.setPredictedDemand(lender, 10 * SLOT_BYTES);

        rebalance(pool);

        assertEquals(TOTAL_BYTES - 2 * FLOOR_BYTES - SLOT_BYTES, borrower.limitBytes());
    }

    @Test
    void rebalance_predictionBelowFloor_changesNothing() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount borrower = register(pool, "borrower");
        SlotAccount lender = register(pool, "lender");
        reserve(pool, borrower, 2 * SLOT_BYTES);
        pool.setPredictedDemand(lender, FLOOR_BYTES / 2);

        rebalance(pool);

        assertEquals(TOTAL_BYTES, borrower.limitBytes(), "as without an estimate");
    }

    @Test
    void rebalance_predictionBelowWhatTheBorrowerHolds_neverTakesBack() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount borrower = register(pool, "borrower");
        SlotAccount lender = register(pool, "lender");
        reserve(pool, borrower, 160 * MIB);
        pool.setPredictedDemand(lender, SLOT_BYTES);

        rebalance(pool);

        assertEquals(160 * MIB, borrower.limitBytes(), "an entitlement below what it holds only stops growth");
        assertNull(pool.checkInvariants());
    }

    @Test
    void rebalance_twoBorrowersBelowLevel_bothGetEqualWaterLevel() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        SlotAccount idle = register(pool, "idle");
        reserve(pool, a, 100 * MIB);
        reserve(pool, b, 70 * MIB);

        rebalance(pool);

        // The idle slot and the one unallocated slot are owed their floors; a and b share the rest.
        long capacity = TOTAL_BYTES - FLOOR_BYTES - (SLOTS - 3) * FLOOR_BYTES;
        long level = capacity / 2;
        assertEquals(level, a.limitBytes());
        assertEquals(level, b.limitBytes());
        assertEquals(TOTAL_BYTES, idle.limitBytes());
        // The limit now binds before slack does.
        reserve(pool, a, level - 100 * MIB);
        assertFalse(pool.reserve(a, PAGE_BYTES));
        reserve(pool, b, level - 70 * MIB);
        assertEquals(0, pool.slackBytes());
        assertNull(pool.checkInvariants());
    }

    @Test
    void rebalance_borrowerAboveLevel_keepsWhatItHoldsAndOthersGetTheRest() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount big = register(pool, "big");
        SlotAccount small = register(pool, "small");
        register(pool, "idle");
        reserve(pool, big, 2 * SLOT_BYTES);
        reserve(pool, small, SLOT_BYTES + FLOOR_BYTES);

        rebalance(pool);

        long capacity = TOTAL_BYTES - FLOOR_BYTES - (SLOTS - 3) * FLOOR_BYTES;
        assertEquals(2 * SLOT_BYTES, big.limitBytes());
        assertEquals(capacity - 2 * SLOT_BYTES, small.limitBytes());
        assertFalse(pool.reserve(big, PAGE_BYTES));
    }

    @Test
    void rebalance_reserveFraction_leftOutOfWaterLevel() {
        double reserveFraction = 0.125;
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, reserveFraction);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        reserve(pool, a, SLOT_BYTES + PAGE_BYTES);
        reserve(pool, b, SLOT_BYTES + PAGE_BYTES);

        rebalance(pool);

        long capacity = TOTAL_BYTES - pool.reserveBytes() - (SLOTS - 2) * FLOOR_BYTES;
        assertEquals(capacity / 2, a.limitBytes());
        assertEquals(capacity / 2, b.limitBytes());
    }

    @Test
    void rebalance_slotRefusedWithinGuarantee_isHungryUntilNextQuietTick() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount hot = register(pool, "hot");
        SlotAccount cold = register(pool, "cold");
        register(pool, "idle");
        while (pool.reserve(hot, PAGE_BYTES)) {
            // borrow everything
        }
        long hotHeld = hot.heldBytes();
        reserve(pool, cold, FLOOR_BYTES);
        assertFalse(pool.reserve(cold, PAGE_BYTES));

        rebalance(pool);

        // Two hungry slots: cold is refused within its guarantee, so hot may not grow further.
        assertEquals(hotHeld, hot.limitBytes());
        assertEquals(SLOT_BYTES, cold.limitBytes());

        rebalance(pool);

        assertEquals(TOTAL_BYTES, hot.limitBytes());
        assertEquals(TOTAL_BYTES, cold.limitBytes());
    }

    @Test
    void rebalance_moreSlotsThanEverBefore_growsItsScratchArrays() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        int slots = 3 * SLOTS;
        SlotAccount[] all = new SlotAccount[slots];
        for (int i = 0; i < slots; i++) {
            all[i] = pool.register("job", "alloc-" + i, PAGE_BYTES);
            rebalance(pool);
        }
        for (SlotAccount s : all) {
            assertTrue(pool.reserve(s, 2 * PAGE_BYTES));
        }

        rebalance(pool);

        for (SlotAccount s : all) {
            assertTrue(s.limitBytes() >= 2 * PAGE_BYTES, s + " limit " + s.limitBytes());
            assertTrue(s.limitBytes() < TOTAL_BYTES, s + " limit " + s.limitBytes());
        }
    }
}
