package io.adaptivememory.control;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's native memory picture as the kernel sees it: the memory limit of its container
 * (cgroup v2 {@code memory.max}, or v1 {@code memory.limit_in_bytes}) and the container's memory
 * that cannot be dropped to make room (v2 {@code anon} and {@code kernel} of {@code memory.stat},
 * v1 {@code total_rss}). Page cache is left out on purpose: spill files fill it and the kernel
 * drops it before it kills anything. The process's resident set ({@code VmRSS}) and the JVM's
 * direct buffers are read too, for the meters.
 *
 * <p>The cgroup directory is found from {@code /proc/self/cgroup}; inside a container whose
 * cgroup namespace hides the path, the mount point itself is the container's group. No limit (or
 * one beyond any machine) means there is nothing to guard.
 */
public final class NativeMemory {

    /** cgroup v1 writes this (rounded to a page) when no limit is set; anything this large is none. */
    private static final long NO_LIMIT = 1L << 60;

    /** One reading; {@code limitBytes} is -1 when the process has no container memory limit. */
    public record Sample(long limitBytes, long usedBytes, long residentBytes, long directBytes) {
        /** Memory the container may still take before its limit, or -1 without a limit. */
        public long headroomBytes() {
            return limitBytes < 0 ? -1 : Math.max(0, limitBytes - usedBytes);
        }
    }

    private final Path limitFile;
    private final Path statFile;
    private final List<String> statKeys;
    private final Path procStatus;

    private NativeMemory(Path limitFile, Path statFile, List<String> statKeys, Path procStatus) {
        this.limitFile = limitFile;
        this.statFile = statFile;
        this.statKeys = statKeys;
        this.procStatus = procStatus;
    }

    /** This process's cgroup files under the usual mount points. */
    public static NativeMemory ofThisProcess() {
        return detect(Path.of("/"));
    }

    /** The cgroup files below {@code root} (the file system root; a test's directory in tests). */
    static NativeMemory detect(Path root) {
        Path procStatus = root.resolve("proc/self/status");
        Path cgroupFs = root.resolve("sys/fs/cgroup");
        String v1Path = null;
        String v2Path = null;
        try {
            for (String line : Files.readAllLines(root.resolve("proc/self/cgroup"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
                    v2Path = f[2];
                } else if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
                    v1Path = f[2];
                }
            }
        } catch (IOException notLinux) {
            return new NativeMemory(null, null, List.of(), procStatus);
        }
        if (v1Path != null) {
            Path dir = group(cgroupFs.resolve("memory"), v1Path, "memory.limit_in_bytes");
            if (dir != null) {
                return new NativeMemory(dir.resolve("memory.limit_in_bytes"), dir.resolve("memory.stat"),
                        List.of("total_rss"), procStatus);
            }
        }
        if (v2Path != null) {
            Path dir = group(cgroupFs, v2Path, "memory.max");
            if (dir != null) {
                return new NativeMemory(dir.resolve("memory.max"), dir.resolve("memory.stat"),
                        List.of("anon", "kernel"), procStatus);
            }
        }
        return new NativeMemory(null, null, List.of(), procStatus);
    }

    /** The group's directory: the full path under the mount, else the mount itself (a cgroup namespace). */
    private static Path group(Path mount, String path, String file) {
        Path full = mount.resolve(path.startsWith("/") ? path.substring(1) : path);
        if (Files.isReadable(full.resolve(file))) {
            return full;
        }
        return Files.isReadable(mount.resolve(file)) ? mount : null;
    }

    /** Whether there is a container limit to guard. */
    public boolean hasLimit() {
        return read().limitBytes() >= 0;
    }

    public Sample read() {
        long limit = -1;
        long used = 0;
        if (limitFile != null) {
            try {
                String text = Files.readString(limitFile, StandardCharsets.US_ASCII).trim();
                long parsed = text.equals("max") ? -1 : Long.parseLong(text);
                limit = parsed >= NO_LIMIT ? -1 : parsed;
                for (String line : Files.readAllLines(statFile, StandardCharsets.US_ASCII)) {
                    int space = line.indexOf(' ');
                    if (space > 0 && statKeys.contains(line.substring(0, space))) {
                        used += Long.parseLong(line.substring(space + 1).trim());
                    }
                }
            } catch (IOException | NumberFormatException unreadable) {
                limit = -1;
            }
        }
        return new Sample(limit, used, residentBytes(), directBytes());
    }

    private long residentBytes() {
        try {
            for (String line : Files.readAllLines(procStatus, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            // not Linux: no resident set to report
        }
        return -1;
    }

    private static long directBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }
}
