package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code UnsafeMemoryBudget.getAvailableMemorySize()}: what the slot could reserve now. */
public final class BudgetAvailableAdvice {

    private BudgetAvailableAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object budget, @Advice.Return(readOnly = false) long available) {
        available = FlinkHooks.availableMemory(budget, available);
    }
}
