package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code MemoryManager.releaseAll(Object owner)}: a task ended and returned its pages; the owner is the task. */
public final class ReleaseAllAdvice {

    private ReleaseAllAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("memoryBudget") Object budget, @Advice.Argument(0) Object owner) {
        FlinkHooks.onOwnerReleased(budget, owner);
    }
}
