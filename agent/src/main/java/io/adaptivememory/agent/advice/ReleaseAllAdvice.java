package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code MemoryManager.releaseAll(Object owner)}: a task ended and returned its pages. */
public final class ReleaseAllAdvice {

    private ReleaseAllAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("memoryBudget") Object budget) {
        FlinkHooks.onOwnerReleased(budget);
    }
}
