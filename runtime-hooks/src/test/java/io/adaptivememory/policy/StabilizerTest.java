package io.adaptivememory.policy;

import static io.adaptivememory.policy.PolicyFixtures.MIB;
import static io.adaptivememory.policy.PolicyFixtures.SLOT_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.TOTAL_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.pool;
import static io.adaptivememory.policy.PolicyFixtures.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

/** Each damping rule of {@link Stabilizer} on a real pool's slot, with the defaults' values. */
class StabilizerTest {

    private static final long HOLD = Stability.DEFAULT_HOLD_NANOS;
    private static final long MAX_STEP = (long) (Stability.DEFAULT_MAX_STEP_FRACTION * TOTAL_BYTES);

    private TaskManagerPool pool;
    private SlotAccount slot;
    private Stabilizer stabilizer;
    private long now = TimeUnit.SECONDS.toNanos(100);

    @BeforeEach
    void setUp() {
        pool = pool(PolicyKind.ADAPTIVE, 0.0);
        slot = register(pool, "a");
        stabilizer = new Stabilizer(Stability.DEFAULT);
    }

    /** One tick: the stabilizer's answer for {@code target}, set as the policy would. */
    private long tick(long target) {
        long next = stabilizer.next(pool, slot, target, now, true);
        pool.setLimit(slot, next);
        return next;
    }

    @Test
    void hysteresis_moveSmallerThanOneMebibyte_isNotMade() {
        tick(200 * MIB);

        assertEquals(200 * MIB, tick(200 * MIB + MIB - 1));
        assertEquals(200 * MIB, tick(200 * MIB - MIB + 1));
        now += HOLD;
        assertEquals(200 * MIB + MIB, tick(200 * MIB + MIB));
    }

    @Test
    void cut_isMadeAtOnceWhateverItsSize() {
        assertEquals(TOTAL_BYTES, slot.limitBytes());

        assertEquals(SLOT_BYTES, tick(SLOT_BYTES));
    }

    @Test
    void neverBelowTheGuarantee() {
        assertEquals(SLOT_BYTES, tick(SLOT_BYTES / 2));
    }

    @Test
    void raiseAfterACut_waitsTheHoldTimeThenMovesByAHalvedStep() {
        tick(SLOT_BYTES);

        now += HOLD - 1;
        assertEquals(SLOT_BYTES, tick(TOTAL_BYTES), "a cut sticks for the hold time");

        now += 1;
        assertEquals(SLOT_BYTES + MAX_STEP / 2, tick(TOTAL_BYTES), "the reversal halved the step");
    }

    @Test
    void raisesInARow_doubleTheStepBackUpToTheMaximum() {
        tick(SLOT_BYTES);
        now += HOLD;
        long limit = tick(TOTAL_BYTES);
        assertEquals(SLOT_BYTES + MAX_STEP / 2, limit);

        assertEquals(limit + MAX_STEP, tick(TOTAL_BYTES), "doubled back to the maximum");
        assertEquals(limit + 2 * MAX_STEP, tick(TOTAL_BYTES), "never beyond the maximum");
        assertEquals(TOTAL_BYTES, tick(TOTAL_BYTES), "the last step only closes the gap");
    }

    @Test
    void firstRaise_movesByTheWholeMaximumStep() {
        pool.setLimit(slot, SLOT_BYTES);

        assertEquals(SLOT_BYTES + MAX_STEP, tick(TOTAL_BYTES));
    }

    @Test
    void targetFlippingEveryHoldTime_isPinnedToTheStaticShareAfterTheLimitOfReversals() {
        int reversals = 0;
        long low = SLOT_BYTES;
        long high = 3 * SLOT_BYTES;
        tick(low);
        while (!slot.isPinned()) {
            now += HOLD;
            tick(reversals % 2 == 0 ? high : low);
            reversals++;
            assertTrue(reversals <= 2 * Stability.DEFAULT_OSCILLATION_LIMIT, "never pinned");
        }

        assertEquals(Stability.DEFAULT_OSCILLATION_LIMIT, reversals,
                "every move after the first cut reverses direction: raise, cut, raise, cut");
        assertEquals(SLOT_BYTES, slot.limitBytes());
        assertEquals(1, pool.statistics().pins());
        now += HOLD;
        assertEquals(SLOT_BYTES, tick(TOTAL_BYTES), "pinned for the rest of its allocation");
    }

    @Test
    void reversalsFurtherApartThanTheWindow_neverPin() {
        tick(SLOT_BYTES);
        for (int i = 0; i < 5 * Stability.DEFAULT_OSCILLATION_LIMIT; i++) {
            now += 10 * HOLD;
            tick(i % 2 == 0 ? 3 * SLOT_BYTES : SLOT_BYTES);
        }

        assertFalse(slot.isPinned());
        assertEquals(0, pool.statistics().pins());
    }

    @Test
    void newAllocationAtTheSameIndex_startsWithFreshState() {
        tick(SLOT_BYTES);
        int index = slot.index();
        pool.unregister(slot);
        slot = register(pool, "b");
        assertEquals(index, slot.index());
        pool.setLimit(slot, SLOT_BYTES);

        assertEquals(SLOT_BYTES + MAX_STEP, tick(TOTAL_BYTES), "no hold or halved step inherited");
    }

    @Test
    void satisfiedSlot_isNotDamped() {
        tick(SLOT_BYTES);

        assertEquals(TOTAL_BYTES, stabilizer.next(pool, slot, TOTAL_BYTES, now, false),
                "no hold and no step: a sorter built there plans with it at once");
    }

    @Test
    void none_setsEveryTargetAsComputed() {
        stabilizer = new Stabilizer(Stability.NONE);
        tick(SLOT_BYTES);

        assertEquals(TOTAL_BYTES, tick(TOTAL_BYTES));
        assertEquals(SLOT_BYTES + 1, tick(SLOT_BYTES + 1));
    }
}
