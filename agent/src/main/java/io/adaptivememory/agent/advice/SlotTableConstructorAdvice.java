package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code TaskSlotTableImpl(int, ResourceProfile, ResourceProfile, int, ...)}: a TaskManager starts. */
public final class SlotTableConstructorAdvice {

    private SlotTableConstructorAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.This Object table,
            @Advice.Argument(0) int numberOfSlots,
            @Advice.Argument(1) Object totalProfile,
            @Advice.Argument(2) Object defaultSlotProfile) {
        FlinkHooks.onTaskSlotTableCreated(table, numberOfSlots, totalProfile, defaultSlotProfile);
    }
}
