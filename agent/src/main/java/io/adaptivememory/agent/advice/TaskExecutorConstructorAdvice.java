package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/**
 * {@code TaskExecutor(RpcService, TaskManagerConfiguration, HighAvailabilityServices,
 * TaskManagerServices, ..., TaskManagerMetricGroup, ...)}: the TaskManager's services (its slot
 * table, so its pool) and its metric group meet here.
 */
public final class TaskExecutorConstructorAdvice {

    private TaskExecutorConstructorAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(3) Object services, @Advice.Argument(6) Object metricGroup) {
        FlinkHooks.onTaskExecutorCreated(services, metricGroup);
    }
}
