package io.adaptivememory.policy;

import static io.adaptivememory.policy.PolicyFixtures.FLOOR_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.PAGE_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.SLOTS;
import static io.adaptivememory.policy.PolicyFixtures.SLOT_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.TOTAL_BYTES;
import static io.adaptivememory.policy.PolicyFixtures.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.adaptivememory.config.Settings;
import io.adaptivememory.config.Stability;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lending tuner on a real pool whose harm counters are moved by real refusals: a lender
 * refused within its share while its memory is out (lender harm), a borrower refused beyond its
 * entitlement (borrower harm).
 */
class LendingTunerTest {

    private static final long PERIOD = 1_000;
    private static final double FLOOR = Settings.DEFAULT_FLOOR_FRACTION;
    private static final double STEP = LendingTuner.INITIAL_STEP;

    private TaskManagerPool pool;
    private SlotAccount borrower;
    private SlotAccount lender;
    private LendingTuner tuner;
    private long now;

    @BeforeEach
    void setUp() {
        pool = new TaskManagerPool(0, TOTAL_BYTES, SLOTS, SLOT_BYTES, FLOOR, 0.0, 0,
                new AdaptivePolicy(Stability.NONE));
        borrower = register(pool, "borrower");
        lender = register(pool, "lender");
        while (pool.reserve(borrower, PAGE_BYTES)) {
            // the borrower takes everything the floors leave
        }
        tuner = new LendingTuner(PERIOD);
        assertEquals(FLOOR, period(), "starts at the floor");
    }

    /** Ends a tuning period: the fraction the tuner decided on. */
    private double period() {
        now += PERIOD;
        return tuner.protectedFraction(pool, now);
    }

    private void lenderHarmed() {
        assertFalse(pool.reserve(lender, FLOOR_BYTES + PAGE_BYTES), "setup: memory the lender lent is out");
    }

    private void borrowerRefused() {
        pool.setLimit(borrower, borrower.heldBytes());
        assertFalse(pool.reserve(borrower, PAGE_BYTES));
    }

    @Test
    void quiet_staysAtTheFloor() {
        assertEquals(FLOOR, period());
        assertEquals(FLOOR, period());
        assertEquals(0, pool.statistics().tuningSteps());
    }

    @Test
    void lenderHarm_lendsLessByOneStep_andThePoolReportsIt() {
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();

        assertEquals(FLOOR + STEP, period());
        assertEquals(FLOOR + STEP, pool.protectedFraction());
        assertEquals(1, pool.statistics().tuningSteps());
    }

    @Test
    void harmStops_stepsBackDownWithAHalvedStep() {
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();
        period();

        assertEquals(FLOOR + STEP - STEP / 2, period(), "a reversal halves the step");
        assertEquals(FLOOR, period(), "same direction doubles it back, never below the floor");
    }

    @Test
    void lenderHarmAfterLendingMore_isReverted() {
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();
        double raised = period();
        double lowered = period();
        lenderHarmed();

        assertEquals(raised, period(), "lending more was followed by lender harm: back to where it was");
        assertEquals(1, pool.statistics().tuningReverts());
        assertEquals(lowered - raised, -STEP / 2, 1e-12);
    }

    @Test
    void moreBorrowerHarmAfterLendingLess_withLendersFine_isReverted() {
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();
        assertEquals(FLOOR + STEP, period());
        borrowerRefused();
        borrowerRefused();

        assertEquals(FLOOR, period(), "lending less only made borrowers wait: reverted");
        assertEquals(1, pool.statistics().tuningReverts());
    }

    @Test
    void withinAPeriod_nothingChanges() {
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();

        assertEquals(FLOOR, tuner.protectedFraction(pool, now + PERIOD - 1));
    }

    @Test
    void periodZero_isOff() {
        LendingTuner off = new LendingTuner(0);
        pool.reserve(lender, FLOOR_BYTES);
        lenderHarmed();

        assertEquals(FLOOR, off.protectedFraction(pool, 0));
        assertEquals(FLOOR, off.protectedFraction(pool, Long.MAX_VALUE / 2));
    }

    @Test
    void protectedFraction_raisesEveryLendersClaim() {
        assertEquals(SLOT_BYTES / 2, AdaptivePolicy.protectedBytes(lender, 0.5));
        assertEquals(FLOOR_BYTES, AdaptivePolicy.protectedBytes(lender, 0.0), "never below the floor");
        pool.setPredictedDemand(lender, 3 * SLOT_BYTES / 4);
        assertEquals(3 * SLOT_BYTES / 4, AdaptivePolicy.protectedBytes(lender, 0.5), "a larger prediction wins");
    }
}
