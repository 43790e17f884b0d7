package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code BinaryExternalSorter(owner, memoryManager, reservedMemorySize, ... 13 arguments)}: the
 * SQL sorter, which spills on a refused page, may plan with what its slot can borrow.
 *
 * <p>Constructor advice cannot catch exceptions (the enter advice runs before the super call),
 * so neither method is {@code suppress}ed: the hook guards itself and never throws. If the
 * constructor throws, the exit advice does not run; the task then fails as it would without the
 * agent, and its thread is not reused.
 */
public final class SorterConstructorAdvice {

    private SorterConstructorAdvice() {}

    @Advice.OnMethodEnter
    public static void enter(
            @Advice.Argument(1) Object memoryManager,
            @Advice.Argument(value = 2, readOnly = false) long reservedMemorySize) {
        reservedMemorySize = FlinkHooks.sorterPlan(memoryManager, reservedMemorySize);
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.This Object sorter) {
        FlinkHooks.exitSorterConstruction(sorter);
    }
}
