package io.adaptivememory.estimate;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates, from the JVM's per-thread allocation counter. */
public final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP_ROUNDS = 5;
    private static final int MEASURED_ROUNDS = 3;

    private Allocations() {}

    /**
     * Runs {@code body} a few times to let the JIT settle, then returns the least that one more
     * run allocated over three runs, less what reading the counter itself allocates. The least,
     * because the JVM's own work landing inside one run (a compilation finishing, a
     * deoptimization) can allocate a little once (160 bytes seen on one loaded core), while code
     * that allocates per call allocates in every run.
     */
    public static long afterWarmUp(Runnable body) {
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            body.run();
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < MEASURED_ROUNDS && least > 0; i++) {
            long baselineStart = THREADS.getCurrentThreadAllocatedBytes();
            long baselineEnd = THREADS.getCurrentThreadAllocatedBytes();
            long start = THREADS.getCurrentThreadAllocatedBytes();
            body.run();
            long end = THREADS.getCurrentThreadAllocatedBytes();
            least = Math.min(least, (end - start) - (baselineEnd - baselineStart));
        }
        return least;
    }
}
