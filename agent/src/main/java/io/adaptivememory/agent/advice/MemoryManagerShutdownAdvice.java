package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code MemoryManager.shutdown()}: the slot is freed and its account closed. */
public final class MemoryManagerShutdownAdvice {

    private MemoryManagerShutdownAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("memoryBudget") Object budget) {
        FlinkHooks.onMemoryManagerShutdown(budget);
    }
}
