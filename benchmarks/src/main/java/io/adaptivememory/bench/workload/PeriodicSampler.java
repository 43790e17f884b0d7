package io.adaptivememory.bench.workload;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Calls {@link #sample()} on a daemon thread every {@code intervalMillis} from {@link #start()}
 * until {@link #close()}, which takes one last sample. A sample that fails stops the thread and
 * makes {@code close()} fail: whatever was being measured would be short.
 */
public abstract class PeriodicSampler implements AutoCloseable {

    private final Thread thread;
    private final long intervalMillis;
    private volatile boolean running = true;
    private volatile Exception failure;

    protected PeriodicSampler(String threadName, long intervalMillis) {
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts sampling; called by a subclass once its own fields are set. */
    protected final void start() {
        thread.start();
    }

    protected abstract void sample() throws IOException;

    /** What is sampled, for the failure message. */
    protected abstract String source();

    private void loop() {
        try {
            while (running) {
                sample();
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    /** Stops after one last sample; fails if a sample failed while sampling. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("sampling " + source() + " failed", failure);
        }
        try {
            sample();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
