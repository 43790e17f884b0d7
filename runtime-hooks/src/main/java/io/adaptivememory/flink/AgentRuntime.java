package io.adaptivememory.flink;

import io.adaptivememory.config.Settings;
import io.adaptivememory.control.Controller;
import io.adaptivememory.control.HeadroomGuard;
import io.adaptivememory.control.NativeMemory;
import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.estimate.ModelFile;
import io.adaptivememory.estimate.ModelFileException;
import io.adaptivememory.history.ConsumerTracker;
import io.adaptivememory.history.HistoryRecorder;
import io.adaptivememory.history.HistoryWriter;
import io.adaptivememory.metrics.AdaptiveMemoryMetrics;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.apache.flink.runtime.clusterframework.types.AllocationID;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.memory.MemoryManager;
import org.apache.flink.runtime.taskexecutor.TaskManagerServices;
import org.apache.flink.runtime.taskexecutor.slot.TaskSlotTable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's state inside one JVM: its settings, one pool per TaskManager (per
 * {@code TaskSlotTableImpl}), the governed budgets, the controller thread and the meters.
 * Started once by the agent; absent (and every hook passive) when the agent is not attached.
 */
public final class AgentRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    private static final IdentityTable<Governed> BUDGETS = new IdentityTable<>();
    private static final SizingDecisions DECISIONS = new SizingDecisions();
    private static volatile AgentRuntime current;
    /**
     * The estimator's bound in a TaskManager: operator vertices it remembers, and subtasks per
     * vertex with their own previous run (higher subtasks are estimated without one). About 1.5 MB,
     * preallocated, out of the framework heap.
     */
    private static final int ESTIMATOR_KEYS = 512;
    private static final int ESTIMATOR_SUBTASKS = 128;

    private final Settings startupSettings;
    private final HeadroomGuard headroom;
    private final Controller controller;
    private final AdaptiveMemoryMetrics metrics;
    private final SpillAccounting spill = new SpillAccounting();
    private final DemandEstimator estimator;
    private final ModelFile model;
    private final ConsumerTracker consumers;
    private final HistoryRecorder history;
    private final Map<Object, TaskManagerPool> pools = new IdentityHashMap<>();
    /** Slot tables the agent does not govern (closed, or disabled): a late attach must not open pools for them. */
    private final Map<Object, Boolean> ungovernedTables = new WeakHashMap<>();
    private final AtomicInteger poolIds = new AtomicInteger();
    /** The slots governed now, copied on change (rare); read by the controller's sweep. */
    private volatile Governed[] openSlots = new Governed[0];

    private AgentRuntime(Settings settings) {
        this.startupSettings = settings;
        this.metrics = AdaptiveMemoryMetrics.start(settings, spill);
        this.headroom = new HeadroomGuard(NativeMemory.ofThisProcess(), settings.nativeHeadroomFraction());
        metrics.bindHeadroom(headroom);
        NativeMemory.Sample nativeMemory = headroom.last();
        if (headroom.active()) {
            LOG.info("Flink Adaptive Memory native headroom guard: lending stops below {} of the container's {} bytes",
                    settings.nativeHeadroomFraction(), nativeMemory.limitBytes());
        } else {
            LOG.info("Flink Adaptive Memory native headroom guard off: {}", settings.nativeHeadroomFraction() == 0
                    ? Settings.NATIVE_HEADROOM_FRACTION + "=0" : "no container memory limit found");
        }
        this.controller = new Controller(
                settings.controllerInterval().toNanos(),
                settings.earmarkTtl().toNanos(),
                headroom,
                () -> {
                    FailOpen.checkInjected(Hook.CONTROLLER);
                    closeShutDownSlots();
                },
                t -> FailOpen.report(Hook.CONTROLLER, t));
        this.estimator = settings.estimatorEnabled()
                ? DemandEstimator.builder().maxKeys(ESTIMATOR_KEYS).maxSubtasks(ESTIMATOR_SUBTASKS).build()
                : null;
        this.model = estimator == null ? null : loadModel(settings.model());
        if (model != null) {
            estimator.warmStart(model.models(), model.fallback());
        }
        this.consumers = new ConsumerTracker(estimator);
        String taskManager = taskManagerId();
        this.history = new HistoryRecorder(consumers, openHistory(settings, taskManager), taskManager, this::pools,
                ConsumerRecording.reader(), settings.controllerInterval().toNanos(),
                settings.historySlotSampleInterval().toNanos(), () -> FailOpen.checkInjected(Hook.HISTORY),
                t -> FailOpen.report(Hook.HISTORY, t));
        metrics.bindLearning(consumers, history, estimator, model != null);
    }

    /** The trained model to warm-start from, or null (none configured, or refused with the reason). */
    private static ModelFile loadModel(Path file) {
        if (file == null) {
            return null;
        }
        try {
            ModelFile model = ModelFile.read(file);
            LOG.info("Flink Adaptive Memory estimator warm-started from {} ({} consumer kinds, trained on {} records)",
                    file, model.models().size(), model.trainedRows());
            return model;
        } catch (ModelFileException | IOException | RuntimeException e) {
            LOG.warn("Flink Adaptive Memory refused the model file {}: {}; the estimator starts without it and "
                    + "learns from this TaskManager's consumers", file, e.getMessage());
            return null;
        }
    }

    private static HistoryWriter openHistory(Settings settings, String taskManager) {
        Path dir = settings.historyDir();
        if (dir == null) {
            return null;
        }
        try {
            HistoryWriter writer = HistoryWriter.open(dir, taskManager, settings.historyMaxBytes());
            LOG.info("Flink Adaptive Memory records its history in {} (at most {} bytes, oldest files deleted first)",
                    dir, settings.historyMaxBytes());
            return writer;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Flink Adaptive Memory cannot write its history to {}: {}; no history is recorded", dir,
                    e.toString());
            return null;
        }
    }

    /** This TaskManager process, as the history names it: host, process id and start time. */
    private static String taskManagerId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isEmpty()) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime(), 36);
    }

    /**
     * Starts the runtime once per JVM. Throws if Flink's internals the hooks rely on are missing,
     * in which case the agent must not install any hook.
     */
    public static synchronized AgentRuntime start(Settings settings) {
        if (current == null) {
            FlinkReflection.check();
            current = new AgentRuntime(settings);
        }
        return current;
    }

    public static AgentRuntime current() {
        return current;
    }

    /** The budget's pool and account when the agent governs it, else null (Flink's own rules). */
    static Governed governed(Object budget) {
        Governed g = budget == null ? null : BUDGETS.get(budget);
        return g == null || g.passive ? null : g;
    }

    static SizingDecisions decisions() {
        return DECISIONS;
    }

    public Settings settings() {
        return startupSettings;
    }

    public SpillAccounting spill() {
        return spill;
    }

    public AdaptiveMemoryMetrics metrics() {
        return metrics;
    }

    /** The consumers running in this JVM, recorded for the history and the estimator. */
    public ConsumerTracker consumers() {
        return consumers;
    }

    /** The pools of the TaskManagers in this JVM, for diagnostics and tests. */
    public synchronized TaskManagerPool[] pools() {
        return pools.values().toArray(new TaskManagerPool[0]);
    }

    // ------------------------------------------------------------------------

    synchronized void openPool(Object table, int numberOfSlots, Object totalProfile, Object defaultSlotProfile) {
        long perSlot = managedBytes(defaultSlotProfile);
        openPool(table, numberOfSlots, managedBytes(totalProfile), perSlot);
    }

    /**
     * A late attach: the slot table exists and some slots may already be allocated with Flink's
     * own budgets. They stay with those budgets, and the pool holds each one's whole share until
     * its slot is freed, so it can never lend memory they may use; once freed, it is the pool's.
     */
    private void openPoolAfterLateAttach(Object table, AllocationID current) throws ReflectiveOperationException {
        int slots = FlinkReflection.numberOfSlots(table);
        long perSlot = managedBytes(FlinkReflection.defaultSlotProfile(table));
        openPool(table, slots, perSlot * slots, perSlot);
        TaskManagerPool pool = pools.get(table);
        if (pool == null) {
            return;
        }
        TaskSlotTable<?> slotTable = (TaskSlotTable<?>) table;
        int before = 0;
        for (Object id : FlinkReflection.allocationIds(table)) {
            if (id.equals(current)) {
                continue;
            }
            MemoryManager manager;
            try {
                manager = slotTable.getTaskMemoryManager((AllocationID) id);
            } catch (Exception freedMeanwhile) {
                continue;
            }
            SlotAccount slot = pool.register("allocated before attach", String.valueOf(id), manager.getMemorySize());
            pool.reserve(slot, manager.getMemorySize());
            BUDGETS.putIfAbsent(FlinkReflection.budgetOf(manager), track(new Governed(pool, slot, true, manager)));
            metrics.bindSlot(pool, slot);
            before++;
        }
        LOG.info("Flink Adaptive Memory attached to a running TaskManager: {} slots allocated before the attach keep "
                + "Flink's own budgets; the pool holds their shares until they are freed", before);
    }

    private static void reportProblem(String problem) {
        if (problem != null) {
            LOG.warn("Flink Adaptive Memory configuration: {}", problem);
        }
    }

    private static long managedBytes(Object resourceProfile) {
        return ((ResourceProfile) resourceProfile).getManagedMemory().getBytes();
    }

    private void openPool(Object table, int numberOfSlots, long total, long perSlot) {
        // Re-read per TaskManager: in a real TaskManager this equals the startup settings; in a
        // test JVM it lets each embedded cluster choose its policy.
        Settings settings = Settings.fromSystemProperties();
        if (!settings.problems().equals(startupSettings.problems())) {
            for (String problem : settings.problems()) {
                LOG.warn("Flink Adaptive Memory configuration: {}", problem);
            }
        }
        // Set per TaskManager, so that a test JVM can switch faults from one embedded cluster to the next.
        reportProblem(FailOpen.inject(settings.injectedFault()));
        FailOpen.checkInjected(Hook.SLOT_TABLE);
        if (!settings.enabled()) {
            ungovernedTables.put(table, Boolean.TRUE);
            LOG.info("Flink Adaptive Memory is disabled ({}=false): Flink manages this TaskManager's memory alone",
                    Settings.ENABLED);
            return;
        }
        TaskManagerPool pool = new TaskManagerPool(
                poolIds.getAndIncrement(),
                total,
                numberOfSlots,
                perSlot,
                settings.floorFraction(),
                settings.reserveFraction(),
                settings.reclaimTimeout().toNanos(),
                AllocationPolicy.of(settings.policy(), settings.stability()));
        pools.put(table, pool);
        controller.add(pool);
        metrics.bindPool(pool);
        LOG.info("Flink Adaptive Memory governs this TaskManager's managed memory: {} bytes across {} slots "
                        + "({} bytes each), policy {}, floor {} of a slot, reserve {} bytes",
                total, numberOfSlots, perSlot, settings.policy().id(), settings.floorFraction(), pool.reserveBytes());
    }

    void openSlot(Object table, int requestedIndex, Object jobId, Object allocationId) throws Exception {
        TaskManagerPool pool;
        synchronized (this) {
            pool = pools.get(table);
            if (pool == null && !ungovernedTables.containsKey(table)) {
                // Attached after this TaskManager started: its slot table was built without us.
                openPoolAfterLateAttach(table, (AllocationID) allocationId);
                pool = pools.get(table);
            }
        }
        if (pool == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        TaskSlotTable<?> slots = (TaskSlotTable<?>) table;
        AllocationID allocation = (AllocationID) allocationId;
        MemoryManager manager = slots.getTaskMemoryManager(allocation);
        Object budget = FlinkReflection.budgetOf(manager);
        if (BUDGETS.get(budget) != null) {
            return;
        }
        SlotAccount slot = pool.register(String.valueOf(jobId), String.valueOf(allocationId), manager.getMemorySize());
        BUDGETS.putIfAbsent(budget, track(new Governed(pool, slot, false, manager)));
        metrics.bindSlot(pool, slot);
        LOG.debug("pool {}: {} allocated (Flink slot index {}, allocation {}) with {} bytes guaranteed, floor {}, "
                        + "entitlement {}",
                pool.id(), slot, requestedIndex, allocation, slot.guaranteeBytes(), slot.floorBytes(),
                slot.limitBytes());
    }

    /** Adds a newly governed slot to the ones {@link #closeShutDownSlots} looks at. */
    private synchronized Governed track(Governed g) {
        Governed[] next = Arrays.copyOf(openSlots, openSlots.length + 1);
        next[next.length - 1] = g;
        openSlots = next;
        return g;
    }

    private synchronized void untrack(Governed g) {
        Governed[] current = openSlots;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == g) {
                Governed[] next = Arrays.copyOf(current, current.length - 1);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                openSlots = next;
                return;
            }
        }
    }

    /** The pool of a slot table, or null when the agent does not govern it. */
    synchronized TaskManagerPool pool(Object table) {
        return pools.get(table);
    }

    void closeSlot(Object budget) {
        Governed g = BUDGETS.get(budget);
        if (g != null) {
            closeSlot(g, false);
        }
    }

    /**
     * Closes the accounts of slots whose {@code MemoryManager} Flink shut down although the
     * shutdown hook did not close them (it failed, or its call was missed): such an account would
     * keep its floor and earmarks claimed for ever, and after enough slot allocations the pool
     * would refuse slots memory Flink would give them. Runs on the controller thread each tick;
     * allocates nothing unless a slot is closed.
     */
    void closeShutDownSlots() {
        for (Governed g : openSlots) {
            if (g.shutDown()) {
                closeSlot(g, true);
            }
        }
    }

    /**
     * @param swept closed by the controller's sweep: Flink may still be freeing the slot's pages
     *     (releases against a closed account are ignored), so what it held is not worth a warning
     */
    private synchronized void closeSlot(Governed g, boolean swept) {
        untrack(g);
        if (g.slot.isClosed()) {
            return;
        }
        ConsumerRecording.slotFreed(g);
        g.pool.unregister(g.slot);
        metrics.unbindSlot(g.pool, g.slot);
        if (g.slot.reservedAtClose() > 0 && !g.passive && !swept) {
            LOG.warn("pool {}: {} shut down while its consumers still held {} bytes; returned them to the pool",
                    g.pool.id(), g.slot, g.slot.reservedAtClose());
        }
        LOG.debug("pool {}: {} freed{} (peak reserved {} bytes of {} guaranteed)", g.pool.id(), g.slot,
                swept ? " (its MemoryManager was found shut down)" : "", g.slot.peakReservedBytes(),
                g.slot.guaranteeBytes());
    }

    void bindFlinkMetricGroup(Object taskManagerServices, Object taskManagerMetricGroup) {
        Object table = ((TaskManagerServices) taskManagerServices).getTaskSlotTable();
        TaskManagerPool pool;
        synchronized (this) {
            pool = pools.get(table);
        }
        if (pool != null) {
            metrics.bindFlinkMetricGroup(pool, (MetricGroup) taskManagerMetricGroup);
        }
    }

    synchronized void closePool(Object table) {
        ungovernedTables.put(table, Boolean.TRUE);
        TaskManagerPool pool = pools.remove(table);
        if (pool == null) {
            return;
        }
        pool.close();
        controller.remove(pool);
        metrics.unbindPool(pool);
    }

    @Override
    public void close() {
        history.close();
        controller.close();
        metrics.close();
    }
}
