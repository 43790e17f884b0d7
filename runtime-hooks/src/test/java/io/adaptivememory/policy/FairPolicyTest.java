package io.adaptivememory.policy;

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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

class FairPolicyTest {

    @Test
    void initialLimit_firstSlot_isWholePoolThenHalf() {
        TaskManagerPool pool = pool(PolicyKind.FAIR, 0.0);
        SlotAccount a = register(pool, "a");
        assertEquals(TOTAL_BYTES, a.limitBytes());
        reserve(pool, a, PAGE_BYTES);

        SlotAccount b = register(pool, "b");

        assertEquals(TOTAL_BYTES / 2, b.limitBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void rebalance_nActiveSlots_everyLimitIsMaxOfGuaranteeAndEqualShare(int active) {
        TaskManagerPool pool = pool(PolicyKind.FAIR, 0.0);
        List<SlotAccount> slots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            slots.add(register(pool, "s" + i));
        }
        for (int i = 0; i < active; i++) {
            reserve(pool, slots.get(i), PAGE_BYTES);
        }

        rebalance(pool);

        long expected = Math.max(SLOT_BYTES, TOTAL_BYTES / active);
        for (SlotAccount s : slots) {
            assertEquals(expected, s.limitBytes(), s.toString());
        }
    }

    @Test
    void rebalance_noActiveSlot_limitIsWholePool() {
        TaskManagerPool pool = pool(PolicyKind.FAIR, 0.0);
        SlotAccount a = register(pool, "a");
        pool.setLimit(a, SLOT_BYTES);

        rebalance(pool);

        assertEquals(TOTAL_BYTES, a.limitBytes());
    }

    @Test
    void rebalance_guaranteeAboveEqualShare_keepsGuarantee() {
        TaskManagerPool pool = pool(PolicyKind.FAIR, 0.0);
        SlotAccount big = pool.register("job", "big", 2 * SLOT_BYTES);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        for (SlotAccount s : List.of(big, a, b)) {
            reserve(pool, s, PAGE_BYTES);
        }

        rebalance(pool);

        assertEquals(2 * SLOT_BYTES, big.limitBytes());
        assertEquals(TOTAL_BYTES / 3, a.limitBytes());
        assertEquals(TOTAL_BYTES / 3, b.limitBytes());
    }

    @Test
    void rebalance_twoActive_poolEnforcesTheShare() {
        TaskManagerPool pool = pool(PolicyKind.FAIR, 0.0);
        SlotAccount a = register(pool, "a");
        SlotAccount b = register(pool, "b");
        reserve(pool, a, PAGE_BYTES);
        reserve(pool, b, PAGE_BYTES);

        rebalance(pool);

        reserve(pool, a, TOTAL_BYTES / 2 - PAGE_BYTES);
        assertFalse(pool.reserve(a, PAGE_BYTES));
    }

    @Test
    void of_eachKind_returnsMatchingPolicy() {
        assertInstanceOf(StaticPolicy.class, AllocationPolicy.of(PolicyKind.STATIC));
        assertInstanceOf(FairPolicy.class, AllocationPolicy.of(PolicyKind.FAIR));
        assertInstanceOf(AdaptivePolicy.class, AllocationPolicy.of(PolicyKind.ADAPTIVE));
        for (PolicyKind kind : PolicyKind.values()) {
            AllocationPolicy policy = AllocationPolicy.of(kind);
            assertEquals(kind, policy.kind());
            assertEquals(kind != PolicyKind.STATIC, policy.lends());
        }
    }

    @Test
    void staticPolicy_rebalance_leavesGuaranteeAsLimit() {
        TaskManagerPool pool = pool(PolicyKind.STATIC, 0.0);
        SlotAccount a = register(pool, "a");
        assertEquals(SLOT_BYTES, a.limitBytes());
        rebalance(pool);
        assertEquals(SLOT_BYTES, a.limitBytes());
        assertTrue(pool.reserve(a, SLOT_BYTES));
    }
}
