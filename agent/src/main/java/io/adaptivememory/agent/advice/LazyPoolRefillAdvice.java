package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code LazyMemorySegmentPool.nextSegment()}: the agent refills a sorter's empty page cache
 * itself; when the pool grants nothing the body is skipped and the method returns null ("no
 * page"), which makes the sorter spill. Other pools run Flink's code. {@code freePages()} is
 * never changed.
 */
public final class LazyPoolRefillAdvice {

    private LazyPoolRefillAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean enter(
            @Advice.This Object lazyPool,
            @Advice.FieldValue("memoryManager") Object memoryManager,
            @Advice.FieldValue("owner") Object owner,
            @Advice.FieldValue("cachePages") Object cachePages,
            @Advice.FieldValue("maxPages") int maxPages,
            @Advice.FieldValue("pageUsage") int pageUsage,
            @Advice.FieldValue("perRequestPages") int perRequestPages) {
        return FlinkHooks.refillLazyPool(lazyPool, memoryManager, owner, cachePages, maxPages, pageUsage, perRequestPages);
    }
}
