package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * flink-table-runtime's {@code computeMemorySize} methods: sizes computed inside them are table
 * operators' plans (hash tables, buffers, sorters), which allocate through
 * {@code LazyMemorySegmentPool}. The operator itself tells grant feedback which kind of table it
 * sizes.
 */
public final class TableSizingAdvice {

    private TableSizingAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This(optional = true) Object operator) {
        FlinkHooks.enterTableSizing(operator);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit() {
        FlinkHooks.exitTableSizing();
    }
}
