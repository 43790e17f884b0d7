package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code MemoryManager.computeMemorySize(double)}: the size a consumer plans with. */
public final class ComputeMemorySizeAdvice {

    private ComputeMemorySizeAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.FieldValue("memoryBudget") Object budget,
            @Advice.FieldValue("pageSize") long pageSize,
            @Advice.Return(readOnly = false) long size) {
        size = FlinkHooks.memorySize(budget, size, (int) pageSize);
    }
}
