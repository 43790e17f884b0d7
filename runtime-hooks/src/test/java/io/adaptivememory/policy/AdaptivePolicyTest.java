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


class AdaptivePolicyTest {

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
    void rebalance_singleBorrower_mayTakeEverythingTheOthersClaimsLeave() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        reserve(pool, a, 2 * SLOT_BYTES);
        reserve(pool, b, FLOOR_BYTES);
        pool.setLimit(a, 2 * SLOT_BYTES);

        rebalance(pool);

        // The floors of b and of the two slots not allocated yet are all the others claim.
        assertEquals(TOTAL_BYTES - 3 * FLOOR_BYTES, a.limitBytes());
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

        assertEquals(TOTAL_BYTES - 3 * FLOOR_BYTES, borrower.limitBytes(), "as without an estimate");
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
    void rebalance_borrowerWithPredictedDemand_getsItAndTheOtherBorrowerTheRest() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount predicted = register(pool, "predicted");
        SlotAccount unknown = register(pool, "unknown");
        register(pool, "idle");
        reserve(pool, predicted, 70 * MIB);
        reserve(pool, unknown, 70 * MIB);
        pool.setPredictedDemand(predicted, 90 * MIB);

        rebalance(pool);

        // 224 MiB for the two borrowers (the idle slot's and the unallocated slot's floors aside):
        // without the estimate 112 MiB each; with it the predicted slot needs only 90.
        long capacity = TOTAL_BYTES - 2 * FLOOR_BYTES;
        assertEquals(90 * MIB, predicted.limitBytes());
        assertEquals(capacity - 90 * MIB, unknown.limitBytes());
    }

    @Test
    void rebalance_borrowerWhosePredictionIsNotFromItsOwnHistory_notBoundedByIt() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount averaged = register(pool, "averaged");
        SlotAccount other = register(pool, "other");
        register(pool, "idle");
        reserve(pool, averaged, 70 * MIB);
        reserve(pool, other, 70 * MIB);
        pool.setPredictedDemand(averaged, 90 * MIB, false);

        rebalance(pool);

        long level = (TOTAL_BYTES - 2 * FLOOR_BYTES) / 2;
        assertEquals(level, averaged.limitBytes(), "a kind's average or a model's guess: water level, as without one");
        assertEquals(level, other.limitBytes());
    }

    @Test
    void rebalance_borrowerHoldingMoreThanPredicted_demandIsUnknownAgain() {
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, 0.0);
        SlotAccount outgrown = register(pool, "outgrown");
        SlotAccount other = register(pool, "other");
        register(pool, "idle");
        reserve(pool, outgrown, 80 * MIB);
        reserve(pool, other, 70 * MIB);
        pool.setPredictedDemand(outgrown, 75 * MIB);

        rebalance(pool);

        long level = (TOTAL_BYTES - 2 * FLOOR_BYTES) / 2;
        assertEquals(level, outgrown.limitBytes(), "the prediction was wrong: water level, as without one");
        assertEquals(level, other.limitBytes());
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

        assertEquals(TOTAL_BYTES - 3 * FLOOR_BYTES, hot.limitBytes(), "alone hungry again");
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
