package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code BytesMap(owner, memoryManager, memorySize, keySerializer)} returned: a SQL hash
 * aggregation's or window buffer's map, recorded in the history with its spill counters. The hook
 * guards itself (constructor advice cannot suppress).
 */
public final class HashMapConstructorAdvice {

    private HashMapConstructorAdvice() {}

    @Advice.OnMethodExit
    public static void exit(@Advice.This Object hashMap) {
        FlinkHooks.onHashMapBuilt(hashMap);
    }
}
