package io.adaptivememory.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.memory.MemoryManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link FlinkHooks#pagesBeyondSlot} on Flink's own {@code MemoryManager} without the agent's
 * budget hooks, so the slot's budget is Flink's: the paths where the raised allocation is not
 * taken or cannot be completed, which must leave Flink's own allocation to run.
 */
class RaisedEagerAllocationTest {

    private static final int PAGE = 32 * 1024;
    private static final int SLOT_PAGES = 32;

    private final MemoryManager memoryManager = MemoryManager.create((long) SLOT_PAGES * PAGE, PAGE);
    private final Object owner = new Object();

    @AfterEach
    void shutdown() {
        GrantFeedback.eagerSorterEnds();
        memoryManager.shutdown();
    }

    @Test
    void notARaisedPlan_leftToFlink() {
        List<MemorySegment> target = new ArrayList<>();

        assertEquals(64, FlinkHooks.pagesBeyondSlot(memoryManager, owner, target, 64, SLOT_PAGES),
                "Flink refuses it as without the agent");
        assertTrue(target.isEmpty());
        assertTrue(memoryManager.verifyEmpty());
    }

    @Test
    void raisedPlanRefusedMidway_whatWasTakenIsReleasedAndFlinksPlanRuns() throws Exception {
        GrantFeedback.eagerSorterBegins(0.8, true);
        GrantFeedback.allowRaisedPages(3 * SLOT_PAGES, 20);
        List<MemorySegment> target = new ArrayList<>();
        long failures = FailOpen.count(Hook.EAGER_SORTER);

        int rest = FlinkHooks.pagesBeyondSlot(memoryManager, owner, target, 3 * SLOT_PAGES, SLOT_PAGES);

        assertEquals(20, rest, "Flink's own page count");
        assertTrue(target.isEmpty(), "the first chunk was given back");
        assertTrue(memoryManager.verifyEmpty());
        assertEquals(failures + 1, FailOpen.count(Hook.EAGER_SORTER), "counted as a fail-open");
        memoryManager.allocatePages(owner, target, rest);
        assertEquals(20, target.size(), "and Flink's allocation succeeds");
    }

    @Test
    void raisedPlan_chunksBeyondTheLastSlotSizedOneAreAllocatedAndTheRestLeftToFlink() throws Exception {
        // Flink's budget holds only the slot's pages, so this plan asks for one chunk beyond the remainder.
        GrantFeedback.eagerSorterBegins(0.8, true);
        GrantFeedback.allowRaisedPages(SLOT_PAGES + 8, 20);
        List<MemorySegment> target = new ArrayList<>();

        int rest = FlinkHooks.pagesBeyondSlot(memoryManager, owner, target, SLOT_PAGES + 8, SLOT_PAGES);

        assertEquals(8, rest, "Flink's body allocates the remainder");
        assertEquals(SLOT_PAGES, target.size());
        memoryManager.release(target);
        assertTrue(memoryManager.verifyEmpty());
    }
}
