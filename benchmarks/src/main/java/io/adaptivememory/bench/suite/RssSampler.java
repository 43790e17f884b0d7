package io.adaptivememory.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples a process's resident set ({@code VmRSS} in {@code /proc/<pid>/status}) every
 * {@value #INTERVAL_MILLIS} ms and keeps the highest. Managed memory is native, so it shows here
 * and in no JVM pool.
 */
final class RssSampler implements AutoCloseable {

    private static final long INTERVAL_MILLIS = 100;

    private final Path status;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakBytes;
    private volatile Exception failure;

    RssSampler(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.thread = new Thread(this::loop, "rss-sampler-" + pid);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        try {
            while (running) {
                sample();
                Thread.sleep(INTERVAL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private void sample() throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                // "VmRSS:	  123456 kB"
                long kib = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                peakBytes = Math.max(peakBytes, kib << 10);
                return;
            }
        }
        throw new IllegalStateException(status + " has no VmRSS line");
    }

    long peakBytes() {
        return peakBytes;
    }

    /** Stops after one last sample; fails if a sample failed, as the peak would be short. */
    @Override
    public void close() throws Exception {
        running = false;
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("sampling " + status + " failed", failure);
        }
        sample();
    }
}
