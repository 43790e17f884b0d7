package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code LazyMemorySegmentPool(owner, memoryManager, maxPages)}: notes the sorters' page pools. */
public final class LazyPoolConstructorAdvice {

    private LazyPoolConstructorAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object lazyPool) {
        FlinkHooks.onLazyPoolCreated(lazyPool);
    }
}
