package io.adaptivememory.estimate;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates, from the JVM's per-thread allocation counter. */
final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP_ROUNDS = 5;

    private Allocations() {}

    /**
     * Runs {@code body} a few times to let the JIT settle, then returns what one more run allocated,
     * less what reading the counter itself allocates.
     */
    static long afterWarmUp(Runnable body) {
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            body.run();
        }
        long baselineStart = THREADS.getCurrentThreadAllocatedBytes();
        long baselineEnd = THREADS.getCurrentThreadAllocatedBytes();
        long start = THREADS.getCurrentThreadAllocatedBytes();
        body.run();
        long end = THREADS.getCurrentThreadAllocatedBytes();
        return (end - start) - (baselineEnd - baselineStart);
    }
}
