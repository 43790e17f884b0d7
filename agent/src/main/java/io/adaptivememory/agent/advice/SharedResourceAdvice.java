package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code MemoryManager.getSharedMemoryResourceForManagedMemory(type, initializer, fraction)}: the
 * plan sized inside it is a shared resource's (RocksDB's cache, Python workers), named by
 * {@code type} for the history.
 */
public final class SharedResourceAdvice {

    private SharedResourceAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) String type) {
        FlinkHooks.enterSharedResource(type);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit() {
        FlinkHooks.exitSharedResource();
    }
}
