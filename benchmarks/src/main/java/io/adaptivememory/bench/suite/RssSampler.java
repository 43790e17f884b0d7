package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.workload.PeriodicSampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples a process's resident set ({@code VmRSS} in {@code /proc/<pid>/status}) every
 * {@value #INTERVAL_MILLIS} ms and keeps the highest. Managed memory is native, so it shows here
 * and in no JVM pool.
 */
final class RssSampler extends PeriodicSampler {

    private static final long INTERVAL_MILLIS = 100;

    private final Path status;
    private volatile long peakBytes;

    RssSampler(long pid) {
        super("rss-sampler-" + pid, INTERVAL_MILLIS);
        this.status = Path.of("/proc", Long.toString(pid), "status");
        start();
    }

    @Override
    protected void sample() throws IOException {
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

    @Override
    protected String source() {
        return status.toString();
    }

    long peakBytes() {
        return peakBytes;
    }
}
