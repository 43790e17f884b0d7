package io.adaptivememory.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the container's memory from cgroup v1 and v2 file layouts, laid out in a temporary root. */
class NativeMemoryTest {

    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void cgroupV2_limitAndNonReclaimableUse_pageCacheLeftOut() throws IOException {
        write("proc/self/cgroup", "0::/kubepods/pod1/tm\n");
        write("sys/fs/cgroup/kubepods/pod1/tm/memory.max", "1073741824\n");
        write("sys/fs/cgroup/kubepods/pod1/tm/memory.stat", "anon 500000000\nfile 300000000\nkernel 10000000\n");
        write("proc/self/status", "Name:\tjava\nVmRSS:\t  123 kB\n");

        NativeMemory.Sample s = NativeMemory.detect(root).read();

        assertEquals(1073741824L, s.limitBytes());
        assertEquals(510_000_000L, s.usedBytes());
        assertEquals(1073741824L - 510_000_000L, s.headroomBytes());
        assertEquals(123 * 1024L, s.residentBytes());
    }

    @Test
    void cgroupV2_noLimit_isNoLimit() throws IOException {
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/memory.max", "max\n");
        write("sys/fs/cgroup/memory.stat", "anon 5\n");

        assertEquals(-1, NativeMemory.detect(root).read().limitBytes());
        assertFalse(NativeMemory.detect(root).hasLimit());
    }

    @Test
    void cgroupV1_pathHiddenByNamespace_mountIsTheGroup() throws IOException {
        write("proc/self/cgroup", "12:pids:/docker/abc\n4:memory:/docker/abc\n0::/\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "2147483648\n");
        write("sys/fs/cgroup/memory/memory.stat", "cache 900\nrss 100\ntotal_cache 999999\ntotal_rss 1000000\n");

        NativeMemory.Sample s = NativeMemory.detect(root).read();

        assertEquals(2147483648L, s.limitBytes());
        assertEquals(1_000_000L, s.usedBytes());
        assertTrue(NativeMemory.detect(root).hasLimit());
    }

    @Test
    void cgroupV1_unlimited_isNoLimit() throws IOException {
        write("proc/self/cgroup", "4:memory:/\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/fs/cgroup/memory/memory.stat", "total_rss 1000000\n");

        NativeMemory.Sample s = NativeMemory.detect(root).read();

        assertEquals(-1, s.limitBytes());
        assertEquals(-1, s.headroomBytes());
    }

    @Test
    void noCgroupFiles_noLimitAndNoFailure() {
        NativeMemory.Sample s = NativeMemory.detect(root).read();

        assertEquals(-1, s.limitBytes());
        assertEquals(-1, s.residentBytes());
    }

    @Test
    void ofThisProcess_readsWithoutFailing() {
        NativeMemory.Sample s = NativeMemory.ofThisProcess().read();

        assertTrue(s.limitBytes() == -1 || s.limitBytes() > 0);
        assertTrue(s.directBytes() >= 0, "the JVM reports its direct buffers");
    }
}
