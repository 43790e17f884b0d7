package io.adaptivememory.control;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The one daemon thread that does the control work, so task threads never do: every interval it
 * lets the {@link HeadroomGuard} stop or resume lending, lets each pool's policy recompute
 * entitlements and gives back earmarks that were not used in time. A failing tick is reported to the fail-open handler and the thread carries on.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final long intervalNanos;
    private final long earmarkTtlNanos;
    private final HeadroomGuard headroom;
    private final Runnable beforeTick;
    private final Consumer<Throwable> onFailure;
    private volatile TaskManagerPool[] pools = new TaskManagerPool[0];
    private volatile boolean running = true;
    private final Thread thread;

    /**
     * @param headroom stops lending in every pool when native memory runs short
     * @param beforeTick runs before each tick on the controller thread; a throw counts as a failed
     *     tick (the agent's test-only fault switch hooks in here)
     * @param onFailure told of every failed tick
     */
    public Controller(long intervalNanos, long earmarkTtlNanos, HeadroomGuard headroom, Runnable beforeTick,
            Consumer<Throwable> onFailure) {
        this.intervalNanos = intervalNanos;
        this.earmarkTtlNanos = earmarkTtlNanos;
        this.headroom = headroom;
        this.beforeTick = beforeTick;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "adaptive-memory-controller");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public synchronized void add(TaskManagerPool pool) {
        TaskManagerPool[] next = Arrays.copyOf(pools, pools.length + 1);
        next[next.length - 1] = pool;
        pools = next;
    }

    public synchronized void remove(TaskManagerPool pool) {
        pools = Arrays.stream(pools).filter(p -> p != pool).toArray(TaskManagerPool[]::new);
    }

    /** Runs one control step over every pool; the thread calls this each interval. */
    public void tick(long nowNanos) {
        TaskManagerPool[] pools = this.pools;
        headroom.check(nowNanos, pools);
        for (TaskManagerPool pool : pools) {
            pool.policy().rebalance(pool, nowNanos);
            for (SlotAccount slot : pool.slots()) {
                pool.expireEarmark(slot, nowNanos, earmarkTtlNanos);
            }
        }
    }

    private void run() {
        LOG.debug("controller started, interval {} ms", TimeUnit.NANOSECONDS.toMillis(intervalNanos));
        while (running) {
            LockSupport.parkNanos(intervalNanos);
            try {
                beforeTick.run();
                tick(System.nanoTime());
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
