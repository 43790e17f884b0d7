package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code TaskSlotTableImpl.closeAsync()}: the TaskManager shuts down. */
public final class SlotTableCloseAdvice {

    private SlotTableCloseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object table) {
        FlinkHooks.onTaskSlotTableClosed(table);
    }
}
