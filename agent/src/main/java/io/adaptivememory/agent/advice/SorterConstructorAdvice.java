package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code BinaryExternalSorter(owner, memoryManager, reservedMemorySize, ... 13 arguments)}: the
 * SQL sorter, which spills on a refused page, may plan with what its slot can borrow.
 */
public final class SorterConstructorAdvice {

    private SorterConstructorAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
            @Advice.Argument(1) Object memoryManager,
            @Advice.Argument(value = 2, readOnly = false) long reservedMemorySize) {
        reservedMemorySize = FlinkHooks.sorterPlan(memoryManager, reservedMemorySize);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit() {
        FlinkHooks.exitSorterConstruction();
    }
}
