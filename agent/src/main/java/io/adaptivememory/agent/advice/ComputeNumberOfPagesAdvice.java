package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code MemoryManager.computeNumberOfPages(double)}: the page count an eager consumer plans with. */
public final class ComputeNumberOfPagesAdvice {

    private ComputeNumberOfPagesAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.FieldValue("memoryBudget") Object budget,
            @Advice.FieldValue("pageSize") long pageSize,
            @Advice.Return(readOnly = false) int pages) {
        pages = FlinkHooks.numberOfPages(budget, pages, (int) pageSize);
    }
}
