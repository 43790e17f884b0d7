package io.adaptivememory.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One JVM of a {@link StandaloneCluster}, its output in a log file. */
public final class FlinkProcess {

    private static final int TAIL_CHARS = 20_000;

    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean killed;

    private FlinkProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static FlinkProcess start(String name, List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new FlinkProcess(name, process, log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The end of the log, for failure messages. */
    public String logTail() {
        String text = logText();
        return text.length() <= TAIL_CHARS ? text : "..." + text.substring(text.length() - TAIL_CHARS);
    }

    /** Whether {@link #kill()} ended it on purpose. */
    boolean killed() {
        return killed;
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        killed = true;
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the JVM to shut down (SIGTERM: Flink's shutdown hooks run). */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit; kills the JVM if it has not exited in time. */
    void awaitExit(long timeout, TimeUnit unit) {
        try {
            if (!process.waitFor(timeout, unit)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
