package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code MemoryManager.allocatePages(owner, target, numberOfPages)}: Flink refuses more pages than
 * its slot's count in one call, which an eager sorter's raised plan needs. Within the slot's count
 * (every other call, including every page pool refill) the advice is one comparison.
 */
public final class AllocatePagesAdvice {

    private AllocatePagesAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
            @Advice.This Object memoryManager,
            @Advice.Argument(0) Object owner,
            @Advice.Argument(1) Object target,
            @Advice.Argument(value = 2, readOnly = false) int numberOfPages,
            @Advice.FieldValue("totalNumberOfPages") long totalNumberOfPages) {
        if (numberOfPages > totalNumberOfPages) {
            numberOfPages = FlinkHooks.pagesBeyondSlot(memoryManager, owner, target, numberOfPages, totalNumberOfPages);
        }
    }
}
