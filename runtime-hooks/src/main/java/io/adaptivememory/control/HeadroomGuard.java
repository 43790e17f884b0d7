package io.adaptivememory.control;

import io.adaptivememory.pool.TaskManagerPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops lending when the container runs short of native memory, so that the agent is never the
 * reason a TaskManager's container is OOM-killed.
 *
 * <p>Managed memory is native memory. A loan lets a slot use memory that under Flink's static
 * split would have stayed unallocated in an idle slot, so lending raises the process's real
 * footprint towards the managed total Flink was configured with. When the container is sized
 * tighter than Flink's memory model assumes, that is the difference between running and being
 * killed. Once a second, on the controller thread, the guard reads {@link NativeMemory}; when the
 * headroom (container limit minus memory the kernel cannot drop) is below
 * {@code fraction x limit}, every pool stops lending: no new loan, sorters plan with Flink's own
 * size, entitlements are in effect the guarantees. Loans already out come back as their consumers
 * finish: the agent never takes memory that is in use and never calls {@code System.gc()}.
 * Lending resumes once the headroom is back above twice the threshold, a hysteresis band so that a
 * job hovering at the threshold does not make entitlements flap.
 *
 * <p>Without a container memory limit there is nothing to guard and the guard stays off.
 */
public final class HeadroomGuard {

    private static final Logger LOG = LoggerFactory.getLogger(HeadroomGuard.class);

    /** Reading the cgroup files costs a few system calls and small objects: once a second is enough. */
    static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Lending resumes at this multiple of the threshold. */
    static final int RESUME_FACTOR = 2;

    private final NativeMemory memory;
    private final double fraction;
    private final AtomicLong pauses = new AtomicLong();
    private volatile NativeMemory.Sample last;
    private volatile boolean paused;
    private boolean checked;
    private long nextCheckNanos;

    public HeadroomGuard(NativeMemory memory, double fraction) {
        this.memory = memory;
        this.fraction = fraction;
        this.last = memory.read();
    }

    /** Whether the guard has anything to do: a threshold above 0 and a container limit. */
    public boolean active() {
        return fraction > 0 && last.limitBytes() >= 0;
    }

    /** Re-reads the native picture when due and applies the decision to every pool (controller thread). */
    void check(long nowNanos, TaskManagerPool[] pools) {
        if (fraction > 0 && (!checked || nowNanos - nextCheckNanos >= 0)) {
            checked = true;
            nextCheckNanos = nowNanos + CHECK_INTERVAL_NANOS;
            NativeMemory.Sample s = memory.read();
            last = s;
            decide(s);
        }
        for (TaskManagerPool pool : pools) {
            pool.setLendingPaused(paused);
        }
    }

    private void decide(NativeMemory.Sample s) {
        if (s.limitBytes() < 0) {
            paused = false;
            return;
        }
        long threshold = (long) (fraction * s.limitBytes());
        long headroom = s.headroomBytes();
        if (!paused && headroom < threshold) {
            paused = true;
            pauses.incrementAndGet();
            LOG.warn("Flink Adaptive Memory stops lending: the container has {} bytes of native memory left of {} "
                            + "(threshold {}); loans come back as their consumers finish",
                    headroom, s.limitBytes(), threshold);
        } else if (paused && headroom >= RESUME_FACTOR * threshold) {
            paused = false;
            LOG.info("Flink Adaptive Memory lends again: {} bytes of native memory left of {}", headroom,
                    s.limitBytes());
        }
    }

    public boolean paused() {
        return paused;
    }

    /** Times lending was stopped for lack of native memory. */
    public long pauses() {
        return pauses.get();
    }

    /** The latest reading. */
    public NativeMemory.Sample last() {
        return last;
    }
}
