package io.adaptivememory.bench.jmh;

import org.apache.flink.runtime.concurrent.ComponentMainThreadExecutor;
import org.apache.flink.util.concurrent.ScheduledExecutorServiceAdapter;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A TaskExecutor's main thread for a slot table living outside a TaskExecutor: one daemon thread.
 * The benchmark calls the table only from its own thread and never concurrently (set-up and
 * tear-down), so there is nothing for {@link #assertRunningInMainThread()} to catch.
 */
final class MainThread extends ScheduledExecutorServiceAdapter implements ComponentMainThreadExecutor {

    MainThread(ScheduledExecutorService thread) {
        super(thread);
    }

    @Override
    public void assertRunningInMainThread() {}
}
