package io.adaptivememory.pool;

import static io.adaptivememory.pool.PoolFixtures.FLOOR_BYTES;
import static io.adaptivememory.pool.PoolFixtures.MIB;
import static io.adaptivememory.pool.PoolFixtures.PAGE_BYTES;
import static io.adaptivememory.pool.PoolFixtures.SLOTS;
import static io.adaptivememory.pool.PoolFixtures.SLOT_BYTES;
import static io.adaptivememory.pool.PoolFixtures.TINY_RECLAIM_NANOS;
import static io.adaptivememory.pool.PoolFixtures.TOTAL_BYTES;
import static io.adaptivememory.pool.PoolFixtures.adaptivePool;
import static io.adaptivememory.pool.PoolFixtures.pool;
import static io.adaptivememory.pool.PoolFixtures.register;
import static io.adaptivememory.pool.PoolFixtures.reservePagesUntilRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The pool's rules from its class Javadoc, on a 256 MiB TaskManager with 4 slots of 64 MiB and a
 * floor of a quarter slot (16 MiB), so every expected value can be checked by hand.
 */
class TaskManagerPoolTest {

    /** What a lone slot can hold when the other three slots are owed their default floors. */
    private static final long LONE_SLOT_MAX_BYTES = TOTAL_BYTES - (SLOTS - 1) * FLOOR_BYTES;
    /** Slack of a pool with no slot holding anything: everything but the four floors. */
    private static final long IDLE_SLACK_BYTES = TOTAL_BYTES - SLOTS * FLOOR_BYTES;
    /** Flink's sorter minimum from Consumers: 16 pages. */
    private static final long EAGER_MINIMUM_BYTES = 16 * PAGE_BYTES;
    /** Flink's table operators' minimum from Consumers: 128 pages. */
    private static final long TABLE_MINIMUM_BYTES = 128 * PAGE_BYTES;
    private static final long EARMARK_TTL_NANOS = Settings.DEFAULT_EARMARK_TTL.toNanos();

    private static void assertInvariants(TaskManagerPool pool) {
        assertNull(pool.checkInvariants(), "invariants");
    }

    // ------------------------------------------------------------------------
    //  Static policy: Flink's behaviour exactly
    // ------------------------------------------------------------------------

    @Nested
    class StaticRules {

        private final TaskManagerPool pool = pool(PolicyKind.STATIC, 0.0, TINY_RECLAIM_NANOS);

        @Test
        void static_floorFraction_isWholeGuarantee() {
            SlotAccount a = register(pool, "a");
            assertEquals(SLOT_BYTES, a.floorBytes());
            assertEquals(SLOT_BYTES, a.limitBytes());
            assertEquals(0, pool.slackBytes());
            assertInvariants(pool);
        }

        @Test
        void static_everySlotFull_eachGrantedExactlyItsGuarantee() {
            List<SlotAccount> slots = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                slots.add(register(pool, "s" + i));
            }
            for (SlotAccount s : slots) {
                assertEquals(SLOT_BYTES, pool.grantableBytes(s));
                assertEquals(SLOT_BYTES, reservePagesUntilRefused(pool, s));
                assertEquals(0, pool.grantableBytes(s));
                assertInvariants(pool);
            }
            assertEquals(TOTAL_BYTES, pool.heldBytes());
            assertEquals(0, pool.statistics().loans());
            assertEquals(0, pool.statistics().shortfalls());
            assertEquals(SLOTS, pool.statistics().deniedLoans());
        }

        @Test
        void static_loneSlotWithFreeMemory_refusedBeyondGuarantee() {
            SlotAccount a = register(pool, "a");
            assertFalse(pool.reserve(a, SLOT_BYTES + PAGE_BYTES));
            assertEquals(0, a.heldBytes());
            assertTrue(pool.reserve(a, SLOT_BYTES));
            assertFalse(pool.reserve(a, PAGE_BYTES));
            assertEquals(SLOT_BYTES, a.heldBytes());
            assertEquals(0, a.borrowedBytes());
            assertInvariants(pool);
        }

        @Test
        void static_plans_areFlinksSizesWithoutEarmarks() {
            SlotAccount a = register(pool, "a");
            assertEquals(SLOT_BYTES / 2, pool.lazyPlanBytes(a, SLOT_BYTES / 2));
            assertEquals(SLOT_BYTES, pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES));
            assertEquals(0, a.earmarkedBytes());
            assertEquals(0, a.heldBytes());
        }
    }

    // ------------------------------------------------------------------------
    //  Adaptive policy: borrowing and floors
    // ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void adaptive_loneHotSlot_borrowsUpToTotalMinusOtherFloors(int registered) {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        for (int i = 1; i < registered; i++) {
            register(pool, "idle" + i);
        }
        assertEquals(LONE_SLOT_MAX_BYTES, pool.grantableBytes(hot));
        assertEquals(LONE_SLOT_MAX_BYTES, reservePagesUntilRefused(pool, hot));
        assertEquals(0, pool.slackBytes());
        assertEquals(LONE_SLOT_MAX_BYTES - SLOT_BYTES, hot.borrowedBytes());
        assertInvariants(pool);
    }

    @Test
    void adaptive_loneHotSlot_oneRequestBeyondItsMaximumRefused() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        assertFalse(pool.reserve(hot, LONE_SLOT_MAX_BYTES + PAGE_BYTES));
        assertEquals(0, hot.heldBytes());
        assertTrue(pool.reserve(hot, LONE_SLOT_MAX_BYTES));
        assertFalse(pool.reserve(hot, PAGE_BYTES));
        assertEquals(1, pool.statistics().loans());
        assertEquals(2, pool.statistics().deniedLoans());
        assertEquals(0, pool.statistics().shortfalls());
        assertInvariants(pool);
    }

    @Test
    void adaptive_othersBorrowedEverything_slotReachesFloorAtOnce() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount cold = register(pool, "cold");
        reservePagesUntilRefused(pool, hot);
        assertEquals(0, pool.slackBytes());

        assertEquals(FLOOR_BYTES, pool.grantableBytes(cold));
        assertTrue(pool.reserve(cold, FLOOR_BYTES));
        // A slot allocated only now is still owed its default floor.
        SlotAccount late = register(pool, "late");
        assertEquals(FLOOR_BYTES, late.floorBytes());
        assertTrue(pool.reserve(late, FLOOR_BYTES));
        assertEquals(0, pool.statistics().floorShortfalls());
        assertInvariants(pool);
    }

    @Test
    void adaptive_refusedWithinGuarantee_countsShortfall() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount cold = register(pool, "cold");
        reservePagesUntilRefused(pool, hot);
        long deniedLoansBefore = pool.statistics().deniedLoans();
        assertTrue(pool.reserve(cold, FLOOR_BYTES));

        assertFalse(pool.reserve(cold, PAGE_BYTES));

        assertEquals(1, pool.statistics().shortfalls());
        assertEquals(PAGE_BYTES, pool.statistics().shortfallBytes());
        assertEquals(deniedLoansBefore, pool.statistics().deniedLoans());
        assertEquals(1, cold.denials());
        assertEquals(FLOOR_BYTES, cold.heldBytes());
        assertInvariants(pool);
    }

    @Test
    void adaptive_reservationsBeyondGuarantee_countedAsLoans() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        assertTrue(pool.reserve(a, SLOT_BYTES));
        assertEquals(0, pool.statistics().loans());
        assertTrue(pool.reserve(a, PAGE_BYTES));
        assertTrue(pool.reserve(a, PAGE_BYTES));
        assertEquals(2, pool.statistics().loans());
        assertEquals(2 * PAGE_BYTES, a.borrowedBytes());
        assertEquals(2 * PAGE_BYTES, pool.borrowedBytes());
        assertEquals(2 * PAGE_BYTES, a.peakBorrowedBytes());
        assertEquals(SLOT_BYTES + 2 * PAGE_BYTES, a.peakReservedBytes());
    }

    @Test
    void adaptive_reserveFraction_loansLeaveReserveInSlack() {
        double reserveFraction = 0.125;
        TaskManagerPool pool = pool(PolicyKind.ADAPTIVE, reserveFraction, TINY_RECLAIM_NANOS);
        long reserveBytes = (long) (reserveFraction * TOTAL_BYTES);
        assertEquals(reserveBytes, pool.reserveBytes());
        SlotAccount hot = register(pool, "hot");

        assertEquals(LONE_SLOT_MAX_BYTES - reserveBytes, pool.grantableBytes(hot));
        assertEquals(LONE_SLOT_MAX_BYTES - reserveBytes, reservePagesUntilRefused(pool, hot));
        assertEquals(reserveBytes, pool.slackBytes());
        assertInvariants(pool);
    }

    @Test
    void adaptive_entitlementBelowHeld_stopsGrowthOnly() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        assertTrue(pool.reserve(a, 2 * SLOT_BYTES));
        pool.setLimit(a, SLOT_BYTES + PAGE_BYTES);
        assertEquals(2 * SLOT_BYTES, a.heldBytes());
        assertEquals(0, pool.grantableBytes(a));
        assertFalse(pool.reserve(a, PAGE_BYTES));
        pool.release(a, SLOT_BYTES);
        assertEquals(PAGE_BYTES, pool.grantableBytes(a));
        assertTrue(pool.reserve(a, PAGE_BYTES));
        assertFalse(pool.reserve(a, PAGE_BYTES));
        assertInvariants(pool);
    }

    // ------------------------------------------------------------------------
    //  Release and slot lifecycle
    // ------------------------------------------------------------------------

    @Test
    void release_aboveAndBelowFloor_returnsOnlySlackAboveFloor() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());

        assertTrue(pool.reserve(a, 100 * MIB));
        assertEquals(IDLE_SLACK_BYTES - (100 * MIB - FLOOR_BYTES), pool.slackBytes());
        pool.release(a, 50 * MIB);
        assertEquals(IDLE_SLACK_BYTES - (50 * MIB - FLOOR_BYTES), pool.slackBytes());
        long belowFloor = FLOOR_BYTES / 2;
        pool.release(a, 50 * MIB - belowFloor);
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        pool.release(a, belowFloor);
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        assertEquals(0, a.heldBytes());
        assertEquals(0, pool.statistics().accountingErrors());
        assertInvariants(pool);
    }

    @Test
    void release_moreThanHeld_countsAccountingErrorAndClampsAtZero() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        assertTrue(pool.reserve(a, SLOT_BYTES));
        pool.release(a, SLOT_BYTES + PAGE_BYTES);
        assertEquals(0, a.heldBytes());
        assertEquals(1, pool.statistics().accountingErrors());
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        assertInvariants(pool);
    }

    @Test
    void unregister_slotHoldingLoans_returnsEverythingAndRestoresFloor() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount cold = register(pool, "cold");
        assertTrue(pool.reserve(cold, FLOOR_BYTES));
        assertEquals(LONE_SLOT_MAX_BYTES, reservePagesUntilRefused(pool, hot));

        pool.unregister(hot);

        assertTrue(hot.isClosed());
        assertEquals(LONE_SLOT_MAX_BYTES, hot.reservedAtClose());
        assertEquals(FLOOR_BYTES, pool.heldBytes());
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        assertEquals(1, pool.slots().length);
        assertInvariants(pool);
        // The freed slot's floor is owed to the next one: a new hot slot reaches the same maximum.
        SlotAccount next = register(pool, "next");
        assertEquals(LONE_SLOT_MAX_BYTES, reservePagesUntilRefused(pool, next));
        assertInvariants(pool);
    }

    @Test
    void unregister_closedSlot_laterCallsIgnored() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        assertTrue(pool.reserve(a, SLOT_BYTES));
        pool.unregister(a);
        pool.unregister(a);
        pool.release(a, SLOT_BYTES);
        assertFalse(pool.reserve(a, PAGE_BYTES));
        assertEquals(0, pool.grantableBytes(a));
        assertEquals(0, pool.statistics().accountingErrors());
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        assertEquals(0, pool.slots().length);
        assertInvariants(pool);
    }

    @Test
    void unregister_allSlots_poolBackToIdle() {
        TaskManagerPool pool = adaptivePool();
        List<SlotAccount> slots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            slots.add(register(pool, "s" + i));
            assertTrue(pool.reserve(slots.get(i), FLOOR_BYTES + i * PAGE_BYTES));
        }
        pool.earmarkPlanBytes(slots.get(0), SLOT_BYTES, EAGER_MINIMUM_BYTES);
        for (SlotAccount s : slots) {
            pool.unregister(s);
            assertInvariants(pool);
        }
        assertEquals(IDLE_SLACK_BYTES, pool.slackBytes());
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void register_freedIndexes_lowestReused() {
        TaskManagerPool pool = adaptivePool();
        List<SlotAccount> slots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            slots.add(register(pool, "s" + i));
            assertEquals(i, slots.get(i).index());
        }
        pool.unregister(slots.get(2));
        pool.unregister(slots.get(1));
        assertEquals(1, register(pool, "x").index());
        assertEquals(2, register(pool, "y").index());
        assertEquals(SLOTS, register(pool, "z").index());
        assertInvariants(pool);
    }

    @Test
    void register_moreSlotsThanConfiguredWhilePoolLent_countsFloorShortfall() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        for (int i = 1; i < SLOTS; i++) {
            register(pool, "s" + i);
        }
        reservePagesUntilRefused(pool, hot);

        SlotAccount extra = register(pool, "extra");

        assertEquals(0, extra.floorBytes());
        assertEquals(1, pool.statistics().floorShortfalls());
        assertInvariants(pool);
        pool.release(hot, SLOT_BYTES);
        assertTrue(pool.reserve(extra, FLOOR_BYTES));
        assertInvariants(pool);
    }

    // ------------------------------------------------------------------------
    //  Sizing: earmarks for eager consumers, plans for lazy ones
    // ------------------------------------------------------------------------

    @Test
    void earmarkPlanBytes_guaranteeFree_honoursFlinkSizeAndEarmarksIt() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");

        assertEquals(SLOT_BYTES, pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES));

        assertEquals(SLOT_BYTES, a.earmarkedBytes());
        assertEquals(SLOT_BYTES, a.heldBytes());
        assertEquals(0, a.reservedBytes());
        assertEquals(IDLE_SLACK_BYTES - (SLOT_BYTES - FLOOR_BYTES), pool.slackBytes());
        assertEquals(0, pool.statistics().shortfalls());
        assertEquals(0, pool.statistics().reclaimWaits());
        assertInvariants(pool);
    }

    @Test
    void reserve_withEarmark_consumesEarmarkFirst() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES);
        long slack = pool.slackBytes();

        assertTrue(pool.reserve(a, SLOT_BYTES / 2));
        assertEquals(SLOT_BYTES / 2, a.earmarkedBytes());
        assertEquals(SLOT_BYTES, a.heldBytes());
        assertEquals(SLOT_BYTES / 2, a.reservedBytes());
        assertEquals(slack, pool.slackBytes());

        assertTrue(pool.reserve(a, SLOT_BYTES / 2 + PAGE_BYTES));
        assertEquals(0, a.earmarkedBytes());
        assertEquals(SLOT_BYTES + PAGE_BYTES, a.heldBytes());
        assertEquals(slack - PAGE_BYTES, pool.slackBytes());
        assertEquals(1, pool.statistics().loans());
        assertInvariants(pool);
    }

    @Test
    void reserve_refusedBeyondEarmark_keepsEarmark() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES);
        pool.setLimit(a, SLOT_BYTES);

        assertFalse(pool.reserve(a, SLOT_BYTES + PAGE_BYTES));

        assertEquals(SLOT_BYTES, a.earmarkedBytes());
        assertEquals(SLOT_BYTES, a.heldBytes());
        assertInvariants(pool);
    }

    @Test
    void earmarkPlanBytes_allLentMemoryOut_shrinksToFloorAfterTimeout() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount eager = register(pool, "eager");
        reservePagesUntilRefused(pool, hot);

        long planned = pool.earmarkPlanBytes(eager, SLOT_BYTES, EAGER_MINIMUM_BYTES);

        assertEquals(FLOOR_BYTES, planned);
        assertEquals(FLOOR_BYTES, eager.earmarkedBytes());
        assertEquals(FLOOR_BYTES, eager.heldBytes());
        assertEquals(1, pool.statistics().shortfalls());
        assertEquals(SLOT_BYTES - FLOOR_BYTES, pool.statistics().shortfallBytes());
        assertEquals(1, pool.statistics().reclaimWaits());
        assertInvariants(pool);
    }

    @Test
    void earmarkPlanBytes_partlyLentOut_shrinksByWhatIsOut() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount eager = register(pool, "eager");
        long stillFree = 20 * MIB;
        assertTrue(pool.reserve(hot, LONE_SLOT_MAX_BYTES - stillFree));
        long out = SLOT_BYTES - FLOOR_BYTES - stillFree;

        long planned = pool.earmarkPlanBytes(eager, SLOT_BYTES, EAGER_MINIMUM_BYTES);

        assertEquals(SLOT_BYTES - out, planned);
        assertEquals(SLOT_BYTES - out, eager.earmarkedBytes());
        assertEquals(0, pool.slackBytes());
        assertEquals(1, pool.statistics().shortfalls());
        assertEquals(out, pool.statistics().shortfallBytes());
        assertInvariants(pool);
    }

    @Test
    void earmarkPlanBytes_shrunkPlan_notBelowMinimum() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount eager = register(pool, "eager");
        reservePagesUntilRefused(pool, hot);
        long minimum = 2 * FLOOR_BYTES;

        assertEquals(minimum, pool.earmarkPlanBytes(eager, SLOT_BYTES, minimum));
        assertEquals(FLOOR_BYTES, eager.earmarkedBytes());
        assertInvariants(pool);
    }

    @Test
    void earmarkPlanBytes_twoHalfPlansWhileAllLentMemoryIsOut_eachGetsHalfTheFloorAndItsPages() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount lender = register(pool, "lender");
        reservePagesUntilRefused(pool, hot);
        long half = SLOT_BYTES / 2; // two hash aggregations chained in one task, Flink's fraction 0.5 each

        long first = pool.earmarkPlanBytes(lender, half, TABLE_MINIMUM_BYTES, true);
        long second = pool.earmarkPlanBytes(lender, half, TABLE_MINIMUM_BYTES, true);

        assertEquals(FLOOR_BYTES / 2, first, "half of what the slot can hold, not all of it");
        assertEquals(FLOOR_BYTES / 2, second, "so the second still gets its half");
        assertEquals(FLOOR_BYTES, lender.earmarkedBytes(), "both plans set aside");
        assertTrue(pool.reserve(lender, first + second), "and every page of both is there");
        assertInvariants(pool);
    }

    @Test
    void earmarkPlanBytes_memoryReturnedBeforeRequest_honoursFlinkSize() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount eager = register(pool, "eager");
        reservePagesUntilRefused(pool, hot);
        pool.release(hot, SLOT_BYTES);

        assertEquals(SLOT_BYTES, pool.earmarkPlanBytes(eager, SLOT_BYTES, EAGER_MINIMUM_BYTES));
        assertEquals(0, pool.statistics().shortfalls());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_hotTableWithRoom_raisedToItsDemandAndEarmarkedWhole() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        register(pool, "cold");

        long planned = pool.feedbackPlanBytes(hot, SLOT_BYTES, 150 * MIB, TABLE_MINIMUM_BYTES);

        assertEquals(150 * MIB, planned);
        assertEquals(150 * MIB, hot.earmarkedBytes());
        assertEquals(150 * MIB, hot.heldBytes());
        assertEquals(1, pool.statistics().raisedPlans());
        assertEquals(150 * MIB - SLOT_BYTES, pool.statistics().raisedPlanBytes());
        assertTrue(pool.reserve(hot, 150 * MIB), "every page of the raised plan is granted");
        assertEquals(0, hot.earmarkedBytes());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_anotherConsumerOfTheSlotStillToPlan_raisedOnlyOnceItHasPlanned() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount slot = register(pool, "join-and-aggregation");
        long join = SLOT_BYTES * 2 / 3;
        long aggregation = SLOT_BYTES - join;

        assertEquals(join, pool.feedbackPlanBytes(slot, join, 150 * MIB, TABLE_MINIMUM_BYTES),
                "a third of the share is still the aggregation's");
        assertEquals(0, pool.statistics().raisedPlans());
        assertEquals(40 * MIB, pool.feedbackPlanBytes(slot, aggregation, 40 * MIB, TABLE_MINIMUM_BYTES),
                "the slot's last consumer to plan may borrow");
        assertEquals(join + 40 * MIB, slot.earmarkedBytes());
        assertEquals(1, pool.statistics().raisedPlans());
        assertInvariants(pool);
    }

    /**
     * A chained join and aggregation as SkewedHashJoinJob plans them: the aggregation first, with a
     * third of the share, lowered to what it needed, then the hot join with the rest. What the
     * lowering saved is no consumer's share, so the join is the slot's last consumer to plan.
     */
    @Test
    void feedbackPlanBytes_earlierPlanOfTheSlotLowered_theLastConsumerToPlanIsStillRaised() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount slot = register(pool, "aggregation-then-join");
        long aggregation = SLOT_BYTES / 3;
        long join = SLOT_BYTES - aggregation;

        assertEquals(8 * MIB, pool.feedbackPlanBytes(slot, aggregation, 8 * MIB, TABLE_MINIMUM_BYTES));
        assertEquals(150 * MIB, pool.feedbackPlanBytes(slot, join, 150 * MIB, TABLE_MINIMUM_BYTES),
                "the lowered aggregation left no share unplanned");
        assertEquals(1, pool.statistics().raisedPlans());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_slotEmptiedAfterALoweredPlan_nextStageAgainWaitsForItsOtherConsumers() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount slot = register(pool, "two-stages");
        long third = SLOT_BYTES / 3;
        pool.feedbackPlanBytes(slot, third, 8 * MIB, TABLE_MINIMUM_BYTES);
        pool.releaseEarmark(slot, 8 * MIB);
        assertEquals(0, slot.heldBytes(), "the first stage is over");

        assertEquals(SLOT_BYTES - third, pool.feedbackPlanBytes(slot, SLOT_BYTES - third, 150 * MIB, TABLE_MINIMUM_BYTES),
                "a third of the share is still the next stage's other consumer's");
        assertEquals(0, pool.statistics().raisedPlans());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_demandBeyondWhatTheSlotCanSetAside_raisedOnlyThatFar() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        for (String name : new String[] {"b", "c", "d"}) {
            register(pool, name);
        }

        long planned = pool.feedbackPlanBytes(hot, SLOT_BYTES, TOTAL_BYTES, TABLE_MINIMUM_BYTES);

        assertEquals(LONE_SLOT_MAX_BYTES, planned, "the other slots' floors are never lent");
        assertEquals(LONE_SLOT_MAX_BYTES, hot.earmarkedBytes());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_noRoomToRaise_plansWithFlinksSize() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount other = register(pool, "other");
        reservePagesUntilRefused(pool, other);

        long planned = pool.feedbackPlanBytes(hot, SLOT_BYTES, 150 * MIB, TABLE_MINIMUM_BYTES);

        assertTrue(planned <= SLOT_BYTES, "never more than can be set aside: " + planned);
        assertEquals(planned, hot.earmarkedBytes());
        assertEquals(0, pool.statistics().raisedPlans());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_coldTable_loweredToItsDemandButNotBelowTheFloorFraction() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount cold = register(pool, "cold");

        assertEquals(40 * MIB, pool.feedbackPlanBytes(cold, SLOT_BYTES, 40 * MIB, TABLE_MINIMUM_BYTES));
        assertEquals(40 * MIB, cold.earmarkedBytes());
        assertEquals(FLOOR_BYTES, pool.feedbackPlanBytes(cold, SLOT_BYTES, MIB, TABLE_MINIMUM_BYTES));
        assertEquals(40 * MIB + FLOOR_BYTES, cold.earmarkedBytes());
        assertEquals(2, pool.statistics().lowerPlans());
        assertEquals(2 * SLOT_BYTES - 40 * MIB - FLOOR_BYTES, pool.statistics().lowerPlanBytes());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_smallPlan_notBelowTheTableMinimum() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount cold = register(pool, "cold");
        long flinkBytes = 2 * TABLE_MINIMUM_BYTES;

        assertEquals(TABLE_MINIMUM_BYTES, pool.feedbackPlanBytes(cold, flinkBytes, 0, TABLE_MINIMUM_BYTES));
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_pinnedSlotPausedPoolOrNoEstimate_plansWithFlinksSize() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount pinned = register(pool, "pinned");
        SlotAccount pinnedCold = register(pool, "pinned-cold");
        SlotAccount paused = register(pool, "paused");
        SlotAccount unknown = register(pool, "unknown");
        pool.pin(pinned);
        pool.pin(pinnedCold);

        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(pinned, SLOT_BYTES, 150 * MIB, TABLE_MINIMUM_BYTES));
        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(pinnedCold, SLOT_BYTES, MIB, TABLE_MINIMUM_BYTES));
        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(unknown, SLOT_BYTES, -1, TABLE_MINIMUM_BYTES));
        pool.setLendingPaused(true);
        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(paused, SLOT_BYTES, 150 * MIB, TABLE_MINIMUM_BYTES));
        assertEquals(0, pool.statistics().raisedPlans());
        assertEquals(0, pool.statistics().lowerPlans());
        assertInvariants(pool);
    }

    @Test
    void feedbackPlanBytes_staticPolicy_plansWithFlinksSizeWithoutEarmark() {
        TaskManagerPool pool = pool(PolicyKind.STATIC, 0.0, TINY_RECLAIM_NANOS);
        SlotAccount a = register(pool, "a");

        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(a, SLOT_BYTES, 150 * MIB, TABLE_MINIMUM_BYTES));
        assertEquals(SLOT_BYTES, pool.feedbackPlanBytes(a, SLOT_BYTES, MIB, TABLE_MINIMUM_BYTES));
        assertEquals(0, a.earmarkedBytes());
    }

    @Test
    void expireEarmark_beforeTtl_keepsEarmark() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES);

        pool.expireEarmark(a, System.nanoTime(), TimeUnit.HOURS.toNanos(1));

        assertEquals(SLOT_BYTES, a.earmarkedBytes());
        assertEquals(0, pool.statistics().expiredEarmarkBytes());
    }

    @Test
    void expireEarmark_afterTtlWhileSlotHoldsPages_keptForTheGrowingConsumer() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES);
        long used = FLOOR_BYTES / 2;
        assertTrue(pool.reserve(a, used));

        pool.expireEarmark(a, System.nanoTime() + EARMARK_TTL_NANOS, EARMARK_TTL_NANOS);

        assertEquals(SLOT_BYTES - used, a.earmarkedBytes());
        assertEquals(0, pool.statistics().expiredEarmarkBytes());
        assertInvariants(pool);
    }

    @Test
    void expireEarmark_afterTtlOnceSlotIsIdle_givesBackUnusedPart() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        pool.earmarkPlanBytes(a, SLOT_BYTES, EAGER_MINIMUM_BYTES);
        long used = FLOOR_BYTES / 2;
        assertTrue(pool.reserve(a, used));
        pool.release(a, used);

        pool.expireEarmark(a, System.nanoTime() + EARMARK_TTL_NANOS, EARMARK_TTL_NANOS);

        assertEquals(0, a.earmarkedBytes());
        assertEquals(0, a.heldBytes());
        assertEquals(SLOT_BYTES - used, pool.statistics().expiredEarmarkBytes());
        assertInvariants(pool);
    }

    @Test
    void lazyPlanBytes_loneSlot_isFlinkSizePlusBorrowable() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        long flinkBytes = FLOOR_BYTES;
        long borrowable = LONE_SLOT_MAX_BYTES - SLOT_BYTES;

        assertEquals(flinkBytes + borrowable, pool.lazyPlanBytes(a, flinkBytes));
        assertTrue(pool.reserve(a, 100 * MIB));
        assertEquals(flinkBytes + borrowable, pool.lazyPlanBytes(a, flinkBytes));
    }

    @Test
    void lazyPlanBytes_otherSlotBorrowing_addsOnlyWhatIsLeft() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        long flinkBytes = FLOOR_BYTES;
        assertTrue(pool.reserve(b, SLOT_BYTES + 40 * MIB));

        // a can hold what neither b nor the two unallocated floors take; it borrows the excess.
        long reachable = TOTAL_BYTES - (SLOTS - 2) * FLOOR_BYTES - b.heldBytes();
        assertEquals(flinkBytes + reachable - SLOT_BYTES, pool.lazyPlanBytes(a, flinkBytes));
        reservePagesUntilRefused(pool, b);
        assertEquals(flinkBytes, pool.lazyPlanBytes(a, flinkBytes));
    }

    @Test
    void lazyPlanBytes_neighbourEarmarkedItsWholePlan_countsItAsFreeButNeverHandsItOut() {
        TaskManagerPool pool = adaptivePool();
        SlotAccount hot = register(pool, "hot");
        SlotAccount neighbour = register(pool, "neighbour");
        long flinkBytes = FLOOR_BYTES;
        long planBeforeEarmark = pool.lazyPlanBytes(hot, flinkBytes);
        // The neighbour's operator earmarks its whole share a moment before its own sorter gives it back.
        assertEquals(SLOT_BYTES, pool.earmarkPlanBytes(neighbour, SLOT_BYTES, EAGER_MINIMUM_BYTES, true));

        assertEquals(planBeforeEarmark, pool.lazyPlanBytes(hot, flinkBytes),
                "the hot sorter plans as if the earmark were free");
        long granted = reservePagesUntilRefused(pool, hot);
        assertEquals(LONE_SLOT_MAX_BYTES - (SLOT_BYTES - FLOOR_BYTES), granted,
                "its pages never take the neighbour's earmark");
        assertEquals(SLOT_BYTES, neighbour.earmarkedBytes());
        assertInvariants(pool);
    }

    // ------------------------------------------------------------------------
    //  Property: grantableBytes is exactly what reserve allows
    // ------------------------------------------------------------------------

    private static final long PROPERTY_SEED = 0x5EED_2024L;
    private static final int PROPERTY_ROUNDS = 3_000;

    @Test
    void grantableBytes_randomQuiescentStates_matchesWhatReserveAllows() {
        SplittableRandom rnd = new SplittableRandom(PROPERTY_SEED);
        PolicyKind[] kinds = PolicyKind.values();
        double[] reserveFractions = {0.0, 0.0, 0.05, 0.125};
        int probes = 0;
        for (int round = 0; round < PROPERTY_ROUNDS; round++) {
            PolicyKind kind = kinds[rnd.nextInt(kinds.length)];
            double reserve = kind == PolicyKind.STATIC ? 0.0 : reserveFractions[rnd.nextInt(reserveFractions.length)];
            TaskManagerPool pool = pool(kind, reserve, 0);
            RandomWalk walk = new RandomWalk(pool, rnd);
            int steps = rnd.nextInt(40);
            for (int i = 0; i < steps; i++) {
                walk.step();
                String invariants = pool.checkInvariants();
                if (invariants != null) {
                    throw new AssertionError("round " + round + " after " + walk.last + ": " + invariants);
                }
            }
            SlotAccount[] live = pool.slots();
            if (live.length == 0) {
                continue;
            }
            SlotAccount probe = live[rnd.nextInt(live.length)];
            long grantable = pool.grantableBytes(probe);
            long held = probe.heldBytes();
            long earmark = probe.earmarkedBytes();
            long slack = pool.slackBytes();
            String where = "round " + round + " (" + kind + ", reserve " + reserve + ") " + probe
                    + " held " + held + " earmark " + earmark + " limit " + probe.limitBytes()
                    + " guarantee " + probe.guaranteeBytes() + " floor " + probe.floorBytes()
                    + " slack " + slack + " grantable " + grantable;

            assertFalse(pool.reserve(probe, grantable + PAGE_BYTES), where);
            assertEquals(held, probe.heldBytes(), where);
            assertEquals(earmark, probe.earmarkedBytes(), where);
            assertEquals(slack, pool.slackBytes(), where);
            if (grantable > 0) {
                assertTrue(pool.reserve(probe, grantable), where);
                assertEquals(0, pool.grantableBytes(probe), where);
                assertEquals(held + grantable - earmark, probe.heldBytes(), where);
            }
            assertNull(pool.checkInvariants(), where);
            assertEquals(0, pool.statistics().accountingErrors(), where);
            probes++;
        }
        assertTrue(probes > PROPERTY_ROUNDS / 2, "probed " + probes);
    }

    /** Random but legal use of a pool from one thread; tracks what each slot's consumers reserved. */
    static final class RandomWalk {
        private final TaskManagerPool pool;
        private final SplittableRandom rnd;
        private final List<SlotAccount> slots = new ArrayList<>();
        private final List<long[]> reserved = new ArrayList<>();
        String last = "nothing";

        RandomWalk(TaskManagerPool pool, SplittableRandom rnd) {
            this.pool = pool;
            this.rnd = rnd;
        }

        void step() {
            int op = rnd.nextInt(100);
            if (slots.isEmpty() || op < 10) {
                long guarantee = randomGuarantee();
                SlotAccount s = pool.register("job", "alloc" + slots.size(), guarantee);
                slots.add(s);
                reserved.add(new long[1]);
                last = "register " + guarantee;
                return;
            }
            int i = rnd.nextInt(slots.size());
            SlotAccount s = slots.get(i);
            long[] mine = reserved.get(i);
            if (op < 14) {
                pool.unregister(s);
                slots.remove(i);
                reserved.remove(i);
                last = "unregister " + s;
            } else if (op < 55) {
                long bytes = pages(rnd.nextInt(1 + (int) (pool.totalBytes() / PAGE_BYTES / 2)));
                if (pool.reserve(s, bytes)) {
                    mine[0] += bytes;
                }
                last = "reserve " + bytes + " on " + s;
            } else if (op < 75) {
                long bytes = mine[0] == 0 ? 0 : pages(rnd.nextInt((int) (mine[0] / PAGE_BYTES) + 1));
                pool.release(s, bytes);
                mine[0] -= bytes;
                last = "release " + bytes + " on " + s;
            } else if (op < 83) {
                long flink = pages(1 + rnd.nextInt((int) (s.guaranteeBytes() / PAGE_BYTES) + 1));
                pool.earmarkPlanBytes(s, flink, Math.min(flink, EAGER_MINIMUM_BYTES));
                last = "earmark " + flink + " on " + s;
            } else if (op < 88) {
                pool.expireEarmark(s, System.nanoTime(), 0);
                last = "expire on " + s;
            } else if (op < 94 && pool.policy().lends()) {
                long limit = s.guaranteeBytes() + pages(rnd.nextInt((int) (pool.totalBytes() / PAGE_BYTES)));
                pool.setLimit(s, limit);
                last = "limit " + limit + " on " + s;
            } else {
                pool.policy().rebalance(pool, System.nanoTime());
                last = "rebalance";
            }
        }

        private long randomGuarantee() {
            switch (rnd.nextInt(4)) {
                case 0:
                    return SLOT_BYTES / 2;
                case 1:
                    return 2 * SLOT_BYTES;
                case 2:
                    return pages(1 + rnd.nextInt((int) (SLOT_BYTES / PAGE_BYTES)));
                default:
                    return SLOT_BYTES;
            }
        }

        private static long pages(long n) {
            return n * PAGE_BYTES;
        }
    }
}
