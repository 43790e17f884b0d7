package io.adaptivememory.simulate;

import static io.adaptivememory.simulate.Histories.SHARE_BYTES;
import static io.adaptivememory.simulate.Histories.SLOTS;
import static io.adaptivememory.simulate.Histories.TOTAL_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.Test;

class ReplayedSlotTest {

    private final TaskManagerPool pool = new TaskManagerPool(0, TOTAL_BYTES, SLOTS, SHARE_BYTES, 0.25, 0.0, 0L,
            AllocationPolicy.of(PolicyKind.ADAPTIVE));
    private final ReplayedSlot slot = new ReplayedSlot(pool.register("job", "a", SHARE_BYTES), 3);

    @Test
    void predictions_ofLiveConsumers_reachThePoolAsTheirSumAndMinusOneWhenNoneIsLeft() {
        slot.predict(pool, 10, 1);
        slot.predict(pool, -1, 1);
        slot.predict(pool, 5, 1);
        assertEquals(15, slot.account.predictedDemandBytes());

        slot.predict(pool, 10, -1);
        assertEquals(5, slot.account.predictedDemandBytes());
        slot.predict(pool, 5, -1);
        assertEquals(-1, slot.account.predictedDemandBytes());
    }

    @Test
    void earmark_ofAnIdleSlot_expiresOnlyOnceItsSimulatedAgeReachesTheTtl() {
        slot.earmarkPlan(pool, SHARE_BYTES, SHARE_BYTES, true, 1_000);

        slot.expireEarmark(pool, 1_499, 500);
        assertEquals(SHARE_BYTES, slot.account.earmarkedBytes());
        slot.expireEarmark(pool, 1_500, 500);
        assertEquals(0, slot.account.earmarkedBytes());
        assertNull(pool.checkInvariants());
    }

    @Test
    void policySpelling_withPredictor_parsesAndUnknownPartsAreNamed() {
        PolicyVariant oracle = PolicyVariant.parse("Adaptive+Oracle");
        assertEquals("adaptive+oracle", oracle.name());
        assertEquals(PolicyKind.ADAPTIVE, oracle.kind());
        assertNull(PolicyVariant.parse("fair").predictor());
        assertEquals("policy 'adaptive+guess': unknown predictor 'guess' (recorded or oracle)",
                assertThrows(IllegalArgumentException.class, () -> PolicyVariant.parse("adaptive+guess"))
                        .getMessage());
    }
}
