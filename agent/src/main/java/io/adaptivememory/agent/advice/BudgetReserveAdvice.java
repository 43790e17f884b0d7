package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code UnsafeMemoryBudget.reserveMemory(long)}: the pool grants (Flink's body is skipped) or
 * refuses (Flink's own {@code MemoryReservationException} is thrown). Not {@code suppress}ed,
 * because refusing is part of its contract; the hook guards everything else itself.
 */
public final class BudgetReserveAdvice {

    private BudgetReserveAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static boolean enter(@Advice.This Object budget, @Advice.Argument(0) long size) {
        return FlinkHooks.reserve(budget, size);
    }
}
