package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * flink-table-runtime's {@code computeMemorySize} methods: every table operator allocates lazily
 * through {@code LazyMemorySegmentPool}, so sizes computed inside them are lazy plans.
 */
public final class LazySizingAdvice {

    private LazySizingAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter() {
        FlinkHooks.enterLazySizing();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit() {
        FlinkHooks.exitLazySizing();
    }
}
