package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code BaseHybridHashTable(owner, compressionEnabled, blockSize, memoryManager, reservedMemorySize,
 * ...)} returned: a SQL hash join's table, recorded in the history with its spill counters. The
 * hook guards itself (constructor advice cannot suppress).
 */
public final class HashTableConstructorAdvice {

    private HashTableConstructorAdvice() {}

    @Advice.OnMethodExit
    public static void exit(@Advice.This Object hashTable) {
        FlinkHooks.onHashTableBuilt(hashTable);
    }
}
