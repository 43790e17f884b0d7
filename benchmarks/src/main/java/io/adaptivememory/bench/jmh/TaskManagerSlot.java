package io.adaptivememory.bench.jmh;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.clusterframework.types.AllocationID;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.runtime.memory.MemoryManager;
import org.apache.flink.runtime.taskexecutor.slot.DefaultTimerService;
import org.apache.flink.runtime.taskexecutor.slot.SlotActions;
import org.apache.flink.runtime.taskexecutor.slot.TaskSlotPayload;
import org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl;
import org.apache.flink.util.concurrent.Executors;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One allocated slot of a TaskManager, built the way a TaskExecutor builds it: a started
 * {@link TaskSlotTableImpl} and {@code allocateSlot}, whose {@code TaskSlot} creates the slot's
 * {@link MemoryManager}. With the agent attached, the table's constructor opens the
 * TaskManager's pool and {@code allocateSlot} puts the slot's budget under it, as in a real
 * TaskManager; without it, this is plain Flink.
 */
final class TaskManagerSlot implements AutoCloseable {

    /** Long enough never to fire during a benchmark; the slot is freed explicitly. */
    private static final Duration SLOT_TIMEOUT = Duration.ofDays(1);
    private static final long TIMER_SHUTDOWN_MILLIS = 1_000;

    private final ScheduledExecutorService timers = daemonThread("slot-timeouts");
    private final ScheduledExecutorService mainThread = daemonThread("task-executor-main");
    private final TaskSlotTableImpl<TaskSlotPayload> table;
    private final MemoryManager memoryManager;

    /**
     * Starts a slot table of {@code numberOfSlots} slots with {@code managedMemoryPerSlot} each
     * and allocates slot 0 for a job.
     */
    TaskManagerSlot(int numberOfSlots, MemorySize managedMemoryPerSlot, int pageSize) throws Exception {
        ResourceProfile slotProfile = ResourceProfile.newBuilder()
                .setCpuCores(1.0)
                .setTaskHeapMemoryMB(64)
                .setTaskOffHeapMemoryMB(0)
                .setManagedMemory(managedMemoryPerSlot)
                .setNetworkMemoryMB(0)
                .build();
        table = new TaskSlotTableImpl<>(
                numberOfSlots,
                slotProfile.multiply(numberOfSlots),
                slotProfile,
                pageSize,
                new DefaultTimerService<>(timers, TIMER_SHUTDOWN_MILLIS),
                Executors.directExecutor());
        table.start(new IgnoredSlotActions(), new MainThread(mainThread));
        AllocationID allocation = new AllocationID();
        table.allocateSlot(0, new JobID(), allocation, slotProfile, SLOT_TIMEOUT);
        memoryManager = table.getTaskMemoryManager(allocation);
    }

    MemoryManager memoryManager() {
        return memoryManager;
    }

    /** Frees the slot and stops the table, as a TaskExecutor does when it shuts down. */
    @Override
    public void close() throws Exception {
        try {
            table.closeAsync().get(30, TimeUnit.SECONDS);
        } finally {
            mainThread.shutdownNow();
            timers.shutdownNow();
        }
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The resource manager's side of slot timeouts and frees, which a lone table does not have. */
    private static final class IgnoredSlotActions implements SlotActions {
        @Override
        public void freeSlot(AllocationID allocationId) {}

        @Override
        public void timeoutSlot(AllocationID allocationId, UUID ticket) {}
    }
}
