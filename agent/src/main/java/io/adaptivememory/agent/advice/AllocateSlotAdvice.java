package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code TaskSlotTableImpl.allocateSlot(int, JobID, AllocationID, ResourceProfile, Duration)}. */
public final class AllocateSlotAdvice {

    private AllocateSlotAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.This Object table,
            @Advice.Argument(0) int index,
            @Advice.Argument(1) Object jobId,
            @Advice.Argument(2) Object allocationId) {
        FlinkHooks.onSlotAllocated(table, index, jobId, allocationId);
    }
}
