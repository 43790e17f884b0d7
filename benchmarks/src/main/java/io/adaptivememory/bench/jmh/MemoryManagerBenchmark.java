package io.adaptivememory.bench.jmh;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.memory.MemoryAllocationException;
import org.apache.flink.runtime.memory.MemoryManager;
import org.apache.flink.runtime.memory.MemoryReservationException;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The agent's hot path as a task sees it, on a slot's real MemoryManager:
 *
 * <ul>
 *   <li>{@link #allocatePagesAndRelease}: {@code allocatePages} then {@code release}, what
 *       sorters, hash tables and flink-table's page pools do. Flink reserves the pages' bytes
 *       with one {@code UnsafeMemoryBudget.reserveMemory} call and gives them back page by page
 *       through {@code releaseMemory}; with the agent both calls go to the TaskManager pool.
 *   <li>{@link #reserveAndReleaseMemory}: {@code reserveMemory} then {@code releaseMemory} of the
 *       same bytes, what RocksDB's shared cache does. The same two budget hooks, one call each,
 *       without Flink's per-page {@code malloc}, whose cost and noise dwarf the hooks' in the
 *       first benchmark; this one shows the hooks' own cost.
 * </ul>
 *
 * <p>The slot comes from a started {@code TaskSlotTableImpl} (see {@link TaskManagerSlot}), so
 * with the agent its budget is governed exactly as in a TaskManager; set-up and tear-down check
 * that through {@link AgentProbe}. {@link AgentOffOn} runs this class with and without
 * {@code -javaagent}; nothing else differs between the two.
 *
 * <p>Page counts: 1 is the smallest request; 512 pages (16 MiB) is flink-table's per-request
 * chunk and, with the default floor of a quarter of the 64 MiB slot, stays within the slot's
 * floor; 1024 pages (32 MiB) crosses the floor, so the pool also takes and returns slack.
 * Flink allocates per page (a MemorySegment, its ByteBuffer and cleaner, a HashSet entry), so
 * B/op is not zero without the agent either; what matters is the difference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
// A fixed heap, as a TaskManager has, so heap resizing does not add noise; both variants get it
// (AgentOffOn only appends -javaagent, through jvmArgsAppend).
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryManagerBenchmark {

    /** Flink's default page size, 32 KiB. */
    static final int PAGE_SIZE = MemoryManager.DEFAULT_PAGE_SIZE;
    /** Managed memory of each slot. */
    static final MemorySize SLOT_MANAGED_MEMORY = MemorySize.ofMebiBytes(64);
    /** Slots of the TaskManager; only slot 0 is allocated, the other one's floor stays owed. */
    static final int SLOTS = 2;

    @Param({"1", "512", "1024"})
    int pages;

    private final Object owner = new Object();
    private long bytesPerOperation;
    private TaskManagerSlot slot;
    private MemoryManager memoryManager;
    /** Reused by every operation; Flink's release() clears it without shrinking it. */
    private ArrayList<MemorySegment> segments;

    @Setup(Level.Trial)
    public void allocateSlot() throws Exception {
        slot = new TaskManagerSlot(SLOTS, SLOT_MANAGED_MEMORY, PAGE_SIZE);
        try {
            memoryManager = slot.memoryManager();
            segments = new ArrayList<>(pages);
            bytesPerOperation = (long) pages * PAGE_SIZE;
            // One operation of each kind before measuring, so that the probe can see where the bytes went.
            allocatePagesAndRelease();
            reserveAndReleaseMemory();
            System.out.println(AgentProbe.check("after set-up", bytesPerOperation));
        } catch (Exception | Error e) {
            slot.close();
            throw e;
        }
    }

    @Benchmark
    public void allocatePagesAndRelease() throws MemoryAllocationException {
        memoryManager.allocatePages(owner, segments, pages);
        memoryManager.release(segments);
    }

    @Benchmark
    public void reserveAndReleaseMemory() throws MemoryReservationException {
        memoryManager.reserveMemory(owner, bytesPerOperation);
        memoryManager.releaseMemory(owner, bytesPerOperation);
    }

    /**
     * Checks again that nothing failed open while measuring. It does not free the slot: that
     * allocates (Flink's and the agent's bookkeeping and log lines) inside the last measurement
     * iteration, where {@code -prof gc} would charge it to the measured operation. The fork's
     * exit frees it.
     */
    @TearDown(Level.Trial)
    public void checkSlot() throws Exception {
        if (!segments.isEmpty()) {
            throw new IllegalStateException(segments.size() + " pages were not released");
        }
        System.out.println(AgentProbe.check("after measuring", bytesPerOperation));
    }
}
