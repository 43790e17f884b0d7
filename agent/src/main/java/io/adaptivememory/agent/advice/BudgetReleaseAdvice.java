package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code UnsafeMemoryBudget.releaseMemory(long)}: governed budgets release into the pool. */
public final class BudgetReleaseAdvice {

    private BudgetReleaseAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean enter(@Advice.This Object budget, @Advice.Argument(0) long size) {
        return FlinkHooks.release(budget, size);
    }
}
