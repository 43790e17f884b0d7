package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code ExternalSorter(..., Collection<InMemorySorter> inMemorySorters, CircularQueues)}: the
 * eager sorter's sort buffers, which the history reads for what it used. The hook guards itself
 * (constructor advice cannot be {@code suppress}ed around the super call).
 */
public final class EagerSorterConstructorAdvice {

    private EagerSorterConstructorAdvice() {}

    @Advice.OnMethodExit
    public static void exit(@Advice.Argument(8) Object inMemorySorters) {
        FlinkHooks.eagerSorterBuilt(inMemorySorters);
    }
}
