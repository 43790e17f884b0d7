package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code LazyMemorySegmentPool(owner, memoryManager, maxPages)}: notes the sorters' page pools and records table consumers. */
public final class LazyPoolConstructorAdvice {

    private LazyPoolConstructorAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
            @Advice.This Object lazyPool,
            @Advice.Argument(1) Object memoryManager,
            @Advice.Argument(2) int maxPages) {
        FlinkHooks.onLazyPoolCreated(lazyPool, memoryManager, maxPages);
    }
}
