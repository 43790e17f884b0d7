package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code ExternalSorterBuilder.doBuild(ReadingStageFactory)}: the page count computed inside is an
 * eager sorter's (DataStream BATCH's sorted inputs), which may plan from grant feedback when it can
 * spill.
 */
public final class EagerSorterBuildAdvice {

    private EagerSorterBuildAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
            @Advice.FieldValue("startSpillingFraction") double startSpillingFraction,
            @Advice.FieldValue("noSpillingMemory") boolean noSpillingMemory) {
        FlinkHooks.enterEagerSorterBuild(startSpillingFraction, noSpillingMemory);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit() {
        FlinkHooks.exitEagerSorterBuild();
    }
}
