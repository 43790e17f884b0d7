package io.adaptivememory.estimate;

import java.lang.invoke.VarHandle;

/**
 * A seqlock: one writer, any number of readers that never block it and never write.
 *
 * <p>The writer makes the version odd before changing the guarded fields and even again after.
 * A reader takes the version ({@link #beginRead}), reads the fields with plain loads, and keeps
 * what it read only if the version is still the same ({@link #validate}); otherwise it tries
 * again. The fences order the plain accesses against the version: the writer's
 * {@code storeStoreFence} keeps its field stores after the odd version, the reader's
 * {@code acquireFence} keeps its field loads before the second version load (as
 * {@link java.util.concurrent.locks.StampedLock#validate} does). Readers must not act on what
 * they read before it validated, and guarded reads must not be able to throw on inconsistent data.
 */
final class SequenceLock {

    private volatile long version;

    /** Only the writer calls this, paired with {@link #endWrite()} in a finally block. */
    void beginWrite() {
        version = version + 1;
        VarHandle.storeStoreFence();
    }

    void endWrite() {
        version = version + 1;
    }

    /** A stamp to validate, or -1 while a write is in progress. */
    long beginRead() {
        long stamp = version;
        if ((stamp & 1) != 0) {
            Thread.onSpinWait();
            return -1;
        }
        return stamp;
    }

    /** Whether nothing was written since {@code stamp} was taken. */
    boolean validate(long stamp) {
        VarHandle.acquireFence();
        return stamp >= 0 && version == stamp;
    }
}
