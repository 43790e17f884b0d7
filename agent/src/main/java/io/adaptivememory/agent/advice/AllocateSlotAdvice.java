package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code TaskSlotTableImpl.allocateSlot(int, JobID, AllocationID, ResourceProfile, Duration)}:
 * void in Flink 2.x (it throws when it cannot allocate), boolean in 1.20 (false when it cannot).
 */
public final class AllocateSlotAdvice {

    private AllocateSlotAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.This Object table,
            @Advice.Argument(0) int index,
            @Advice.Argument(1) Object jobId,
            @Advice.Argument(2) Object allocationId,
            @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object allocated) {
        if (allocated != Boolean.FALSE) {
            FlinkHooks.onSlotAllocated(table, index, jobId, allocationId);
        }
    }
}
