package io.adaptivememory.flink;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.LiveConsumer;
import io.adaptivememory.history.PoolUse;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.memory.MemoryAllocationException;
import org.apache.flink.runtime.memory.MemoryManager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The static entry points the agent's advice calls, one per hooked Flink method. Each one is
 * guarded: on any internal failure it reports to {@link FailOpen} and returns the value that
 * makes Flink behave as if the agent were absent. Arguments are typed {@code Object} because
 * advice signatures must not name the classes being transformed.
 *
 * <p>The reserve and release paths run on task threads for every page request; they do a
 * lock-free table look-up and the pool's atomics, and allocate nothing.
 */
public final class FlinkHooks {

    /** Returned by enter advice to let Flink's own method body run. */
    public static final boolean RUN_FLINK = false;
    /** Returned by enter advice to skip Flink's body: the agent handled the call. */
    public static final boolean HANDLED = true;

    private static final ThreadLocal<int[]> TABLE_SIZING = ThreadLocal.withInitial(() -> new int[1]);
    /** Depth of sorter constructors on this thread: the page pools they create may borrow. */
    private static final ThreadLocal<int[]> SORTER_CONSTRUCTION = ThreadLocal.withInitial(() -> new int[1]);
    /** Set while a borrowing sorter's refill reserves: it must not use other consumers' earmarks. */
    private static final ThreadLocal<boolean[]> SORTER_REFILL = ThreadLocal.withInitial(() -> new boolean[1]);
    /**
     * Page pools the agent knows: a sorter's (the only consumer that copes with a refused page
     * everywhere) maps to its {@link PoolUse} or, when it is not recorded, to
     * {@link #UNRECORDED_SORTER}; another table operator's maps to its recorded pool use.
     */
    private static final IdentityTable<Object> LAZY_POOLS = new IdentityTable<>();
    private static final Object UNRECORDED_SORTER = new Object();

    private FlinkHooks() {}

    // ------------------------------------------------------------------------
    //  TaskManager and slot lifecycle
    // ------------------------------------------------------------------------

    /** {@code TaskSlotTableImpl} was constructed: the TaskManager's managed memory becomes a pool. */
    public static void onTaskSlotTableCreated(
            Object table, int numberOfSlots, Object totalProfile, Object defaultSlotProfile) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            rt.openPool(table, numberOfSlots, totalProfile, defaultSlotProfile);
        } catch (Throwable t) {
            FailOpen.report(Hook.SLOT_TABLE, t);
        }
    }

    /** A slot was allocated: its MemoryManager's budget becomes an account in the pool. */
    public static void onSlotAllocated(Object table, int requestedIndex, Object jobId, Object allocationId) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.SLOT_ALLOCATED);
            rt.openSlot(table, requestedIndex, jobId, allocationId);
        } catch (Throwable t) {
            // The slot runs on Flink's own budget, which the pool would otherwise count as lendable.
            FailOpen.reportUntrusted(Hook.SLOT_ALLOCATED, t, rt.pool(table));
        }
    }

    /**
     * {@code TaskExecutor} was constructed: the agent's meters also go into its TaskManager metric
     * group, so they show in Flink's web UI and reach the cluster's metric reporters.
     */
    public static void onTaskExecutorCreated(Object taskManagerServices, Object taskManagerMetricGroup) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.TASK_EXECUTOR);
            rt.bindFlinkMetricGroup(taskManagerServices, taskManagerMetricGroup);
        } catch (Throwable t) {
            FailOpen.report(Hook.TASK_EXECUTOR, t);
        }
    }

    /** {@code TaskSlotTableImpl.closeAsync}: the TaskManager is shutting down. */
    public static void onTaskSlotTableClosed(Object table) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.SLOT_TABLE_CLOSE);
            rt.closePool(table);
        } catch (Throwable t) {
            FailOpen.report(Hook.SLOT_TABLE_CLOSE, t);
        }
    }

    /**
     * {@code MemoryManager.releaseAll(owner)} returned: a task ended. If its slot now holds no
     * page, what is still earmarked there belongs to plans nobody will allocate any more (the
     * next stage plans anew), so it goes back to the pool at once rather than after the TTL.
     */
    public static void onOwnerReleased(Object budget, Object owner) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.RELEASE_ALL);
            g.pool.expireEarmark(g.slot, System.nanoTime(), Consumers.STALE_EARMARK_NANOS);
        } catch (Throwable t) {
            FailOpen.report(Hook.RELEASE_ALL, t);
        }
        ConsumerRecording.taskReleased(g, owner);
    }

    /** {@code MemoryManager.shutdown} returned: the slot is freed; its memory goes back to the pool. */
    public static void onMemoryManagerShutdown(Object budget) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.MEMORY_MANAGER_SHUTDOWN);
            rt.closeSlot(budget);
        } catch (Throwable t) {
            FailOpen.report(Hook.MEMORY_MANAGER_SHUTDOWN, t);
        }
    }

    // ------------------------------------------------------------------------
    //  Hot path: Flink's per-slot budget (UnsafeMemoryBudget)
    // ------------------------------------------------------------------------

    /**
     * {@code UnsafeMemoryBudget.reserveMemory(size)}. Returns {@link #HANDLED} when the pool
     * granted the bytes, throws Flink's own {@code MemoryReservationException} when it refused
     * them, and returns {@link #RUN_FLINK} for budgets it does not govern or when it failed.
     */
    public static boolean reserve(Object budget, long size) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return RUN_FLINK;
        }
        boolean granted;
        try {
            FailOpen.checkInjected(Hook.RESERVE);
            if (g.slot.isClosed()) {
                // Only Flink's own verifyEmpty() reserves after shutdown; its budget is untouched.
                g.pool.noteFlinkOwned(g.slot, size);
                return RUN_FLINK;
            }
            boolean fromEarmark = g.slot.earmarkedBytes() > 0 && !SORTER_REFILL.get()[0];
            granted = g.pool.reserve(g.slot, size, fromEarmark);
        } catch (Throwable t) {
            // Flink's budget takes bytes the pool does not see, so the pool must not lend them.
            FailOpen.reportUntrusted(Hook.RESERVE, t, g.pool);
            g.pool.noteFlinkOwned(g.slot, size);
            return RUN_FLINK;
        }
        if (granted) {
            return HANDLED;
        }
        throw Reservations.refused(size, g);
    }

    /** {@code UnsafeMemoryBudget.releaseMemory(size)}. */
    public static boolean release(Object budget, long size) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return RUN_FLINK;
        }
        try {
            if (g.pool.claimFlinkOwned(g.slot, size)) {
                return RUN_FLINK;
            }
            FailOpen.checkInjected(Hook.RELEASE);
            g.pool.release(g.slot, size);
            return HANDLED;
        } catch (Throwable t) {
            // The bytes were reserved in the pool, so Flink's untouched budget cannot take them
            // back: the pool must. Its release is a compare-and-set loop, tried once more on its
            // own; only if that fails too are the bytes stranded in the pool (Flink keeps working,
            // the pool lends less).
            FailOpen.report(Hook.RELEASE, t);
            try {
                g.pool.release(g.slot, size);
            } catch (Throwable stranded) {
                FailOpen.report(Hook.RELEASE, stranded);
            }
            return HANDLED;
        }
    }

    /**
     * {@code UnsafeMemoryBudget.getAvailableMemorySize()}: the slot's share minus what its
     * consumers hold, so Flink's own {@code Managed.Used} metric ({@code size - available}) keeps
     * meaning the slot's reserved bytes (loans included).
     */
    public static long availableMemory(Object budget, long flinkValue) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return flinkValue;
        }
        try {
            FailOpen.checkInjected(Hook.AVAILABLE_MEMORY);
            return g.slot.guaranteeBytes() - g.slot.reservedBytes();
        } catch (Throwable t) {
            FailOpen.report(Hook.AVAILABLE_MEMORY, t);
            return flinkValue;
        }
    }

    // ------------------------------------------------------------------------
    //  Sizing: MemoryManager.computeMemorySize / computeNumberOfPages
    // ------------------------------------------------------------------------

    /**
     * Entered one of flink-table-runtime's {@code computeMemorySize} methods of {@code operator}
     * (null for a static one).
     */
    public static void enterTableSizing(Object operator) {
        int[] depth = TABLE_SIZING.get();
        if (depth[0]++ == 0) {
            try {
                GrantFeedback.sizingBegins(operator);
            } catch (Throwable t) {
                FailOpen.report(Hook.COMPUTE_MEMORY_SIZE, t);
            }
        }
        // A sorter whose constructor threw never ran its exit advice; no sorter is being built now.
        SORTER_CONSTRUCTION.get()[0] = 0;
    }

    public static void exitTableSizing() {
        TABLE_SIZING.get()[0]--;
    }

    /**
     * {@code MemoryManager.computeMemorySize(fraction)} returned {@code flinkBytes}: a plan the
     * consumer relies on, so the pool earmarks it (waiting for lent memory, or shrinking the plan,
     * when the slot's share is out on loan). Table operators (hash tables, buffers) get the whole
     * plan set aside; anything else (RocksDB's shared cache, Python) the part of its slot's share
     * Flink would have had free. A sorter gives its earmark back when it is built (see
     * {@link #sorterPlan}).
     */
    public static long memorySize(Object budget, long flinkBytes, int pageSize) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return flinkBytes;
        }
        try {
            FailOpen.checkInjected(Hook.COMPUTE_MEMORY_SIZE);
            boolean table = TABLE_SIZING.get()[0] > 0;
            int minimumPages = table ? Consumers.TABLE_MINIMUM_PAGES : Consumers.EAGER_MINIMUM_PAGES;
            long minimum = Math.min(flinkBytes, (long) minimumPages * pageSize);
            long planned = table
                    ? AgentRuntime.decisions().feedbackPlan(g, flinkBytes,
                            GrantFeedback.wantedBytes(AgentRuntime.current()), minimum)
                    : AgentRuntime.decisions().plan(g, flinkBytes, minimum, false);
            if (table) {
                ConsumerRecording.tablePlanned(g, flinkBytes, GrantFeedback.sizingKind());
            } else {
                ConsumerRecording.eagerPlanned(g, false, flinkBytes, planned);
            }
            return planned;
        } catch (Throwable t) {
            // Flink's plan, with nothing set aside for it: only a pool that lends nothing honours it.
            FailOpen.reportUntrusted(Hook.COMPUTE_MEMORY_SIZE, t, g.pool);
            return flinkBytes;
        }
    }

    /**
     * {@code BinaryExternalSorter(owner, memoryManager, reservedMemorySize, ...)}: the one table
     * consumer that spills whenever a page is refused. Its plan needs nothing set aside (the
     * earmark its operator just took is given back) and it may plan with its size plus what its
     * slot can borrow now; its page pools are marked as borrowing ones.
     */
    public static long sorterPlan(Object memoryManager, long reservedBytes) {
        try {
            SORTER_CONSTRUCTION.get()[0]++;
            ConsumerRecording.sorterStarting(reservedBytes);
            if (!(memoryManager instanceof MemoryManager)) {
                return reservedBytes;
            }
            Governed g = AgentRuntime.governed(FlinkReflection.budgetOf((MemoryManager) memoryManager));
            if (g == null || !g.pool.policy().lends()) {
                return reservedBytes;
            }
            FailOpen.checkInjected(Hook.SORTER_PLAN);
            g.pool.releaseEarmark(g.slot, reservedBytes);
            return AgentRuntime.decisions().sorterPlan(g, reservedBytes);
        } catch (Throwable t) {
            FailOpen.report(Hook.SORTER_PLAN, t);
            return reservedBytes;
        }
    }

    /**
     * The sorter's constructor returned: {@code sorter} is the built sorter. Constructor advice
     * cannot suppress, so this and the two hooks below catch everything themselves.
     */
    public static void exitSorterConstruction(Object sorter) {
        try {
            int[] depth = SORTER_CONSTRUCTION.get();
            depth[0] = Math.max(0, depth[0] - 1);
        } catch (Throwable t) {
            FailOpen.report(Hook.SORTER_PLAN, t);
        }
        try {
            consumerBuilt(sorter, ConsumerKind.SORT);
        } catch (Throwable t) {
            FailOpen.report(Hook.CONSUMER_BUILT, t);
        }
    }

    /** A SQL hash table ({@code BaseHybridHashTable}: hash joins) was constructed. */
    public static void onHashTableBuilt(Object hashTable) {
        try {
            consumerBuilt(hashTable, ConsumerKind.HASH_JOIN);
        } catch (Throwable t) {
            FailOpen.report(Hook.CONSUMER_BUILT, t);
        }
    }

    /** A SQL hash map ({@code BytesMap}: hash aggregations, window buffers) was constructed. */
    public static void onHashMapBuilt(Object hashMap) {
        try {
            consumerBuilt(hashMap, ConsumerKind.HASH_AGG);
        } catch (Throwable t) {
            FailOpen.report(Hook.CONSUMER_BUILT, t);
        }
    }

    private static void consumerBuilt(Object consumer, ConsumerKind kind) {
        FailOpen.checkInjected(Hook.CONSUMER_BUILT);
        ConsumerRecording.ownerBuilt(consumer, kind);
    }

    /** {@code MemoryManager.getSharedMemoryResourceForManagedMemory(type, ...)} was entered. */
    public static void enterSharedResource(String type) {
        ConsumerRecording.enterSharedResource(type);
    }

    public static void exitSharedResource() {
        ConsumerRecording.exitSharedResource();
    }

    /**
     * A {@code LazyMemorySegmentPool} of {@code maxPages} was built; inside a sorter's constructor
     * it is a sorter's. The history records it as a consumer when its slot is governed.
     */
    public static void onLazyPoolCreated(Object lazyPool, Object memoryManager, int maxPages) {
        try {
            boolean sorter = SORTER_CONSTRUCTION.get()[0] > 0;
            Object use = sorter ? UNRECORDED_SORTER : null;
            try {
                FailOpen.checkInjected(Hook.LAZY_POOL_CREATED);
                LiveConsumer recorded = recordedPool(memoryManager, sorter, maxPages);
                if (recorded != null) {
                    use = new PoolUse(recorded);
                }
            } catch (Throwable t) {
                // A sorter's pool is marked all the same: the sorter may already plan beyond its
                // slot's share, and only a pool known as a sorter's refills in a way that copes.
                FailOpen.report(Hook.LAZY_POOL_CREATED, t);
            }
            if (use != null) {
                LAZY_POOLS.putIfAbsent(lazyPool, use);
            }
        } catch (Throwable t) {
            FailOpen.report(Hook.LAZY_POOL_CREATED, t);
        }
    }

    /** The pool as a recorded consumer when its slot is governed, else null; never throws. */
    private static LiveConsumer recordedPool(Object memoryManager, boolean sorter, int maxPages) {
        try {
            if (memoryManager instanceof MemoryManager) {
                MemoryManager manager = (MemoryManager) memoryManager;
                Governed g = AgentRuntime.governed(FlinkReflection.budgetOf(manager));
                if (g != null) {
                    return ConsumerRecording.poolBuilt(g, sorter, (long) maxPages * manager.getPageSize());
                }
            }
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
        return null;
    }

    /**
     * {@code MemoryManager.computeNumberOfPages(fraction)}: an eager consumer's plan, earmarked
     * (see {@link #memorySize}). An eager sorter that may spill plans from grant feedback instead:
     * more than Flink's size (and than its slot's page count, which {@link #pagesBeyondSlot} then
     * allows for its one allocation) or less.
     */
    public static int numberOfPages(Object budget, int flinkPages, int pageSize) {
        Governed g = AgentRuntime.governed(budget);
        if (g == null) {
            return flinkPages;
        }
        try {
            FailOpen.checkInjected(Hook.COMPUTE_NUMBER_OF_PAGES);
            long bytes = (long) flinkPages * pageSize;
            long minimum = (long) Math.min(flinkPages, Consumers.EAGER_MINIMUM_PAGES) * pageSize;
            long wanted = GrantFeedback.wantedEagerSorterBytes(AgentRuntime.current());
            int pages;
            if (wanted < 0) {
                long planned = AgentRuntime.decisions().plan(g, bytes, minimum, false);
                pages = (int) Math.min(flinkPages, planned / pageSize);
            } else {
                long planned = AgentRuntime.decisions().feedbackPlan(g, bytes, wanted, minimum);
                pages = (int) Math.min(Integer.MAX_VALUE, planned / pageSize);
                if (pages > flinkPages) {
                    GrantFeedback.allowRaisedPages(pages, flinkPages);
                }
            }
            ConsumerRecording.eagerPlanned(g, true, bytes, (long) pages * pageSize);
            return pages;
        } catch (Throwable t) {
            FailOpen.reportUntrusted(Hook.COMPUTE_NUMBER_OF_PAGES, t, g.pool);
            return flinkPages;
        }
    }

    // ------------------------------------------------------------------------
    //  Eager sorters: ExternalSorterBuilder.doBuild, ExternalSorter, MemoryManager.allocatePages
    // ------------------------------------------------------------------------

    /**
     * {@code ExternalSorterBuilder.doBuild} began on this thread: the page count it computes is an
     * eager sorter's, which spills at {@code spillingFraction} of its sort memory unless it has no
     * spilling memory.
     */
    public static void enterEagerSorterBuild(double spillingFraction, boolean noSpillingMemory) {
        try {
            FailOpen.checkInjected(Hook.EAGER_SORTER);
            GrantFeedback.eagerSorterBegins(spillingFraction, !noSpillingMemory);
        } catch (Throwable t) {
            FailOpen.report(Hook.EAGER_SORTER, t);
        }
    }

    public static void exitEagerSorterBuild() {
        try {
            GrantFeedback.eagerSorterEnds();
        } catch (Throwable t) {
            FailOpen.report(Hook.EAGER_SORTER, t);
        }
    }

    /** {@code ExternalSorter} was constructed with {@code sortBuffers}: the history reads them. */
    public static void eagerSorterBuilt(Object sortBuffers) {
        try {
            if (GrantFeedback.buildingEagerSorter() && sortBuffers instanceof Collection<?> buffers) {
                ConsumerRecording.eagerSorterBuilt(buffers);
            }
        } catch (Throwable t) {
            FailOpen.report(Hook.HISTORY, t);
        }
    }

    /**
     * {@code MemoryManager.allocatePages(owner, target, pages)} with more pages than its slot's
     * count, which Flink refuses in one call: when this is the raised plan grant feedback gave the
     * eager sorter built on this thread (earmarked whole, so every page is granted), the pages
     * beyond the last slot-sized chunk are allocated here in slot-sized calls and the rest is left
     * to Flink's body. Otherwise, or if a chunk fails, what this call took is released and Flink
     * allocates its own plan, as without feedback.
     */
    @SuppressWarnings("unchecked")
    public static int pagesBeyondSlot(Object memoryManager, Object owner, Object target, int pages, long slotPages) {
        int flinkPages = -1;
        List<MemorySegment> segments = null;
        int before = 0;
        try {
            flinkPages = GrantFeedback.takeRaisedPages(pages);
            if (flinkPages < 0 || slotPages <= 0 || !(memoryManager instanceof MemoryManager mm)
                    || !(target instanceof List<?>)) {
                return pages;
            }
            FailOpen.checkInjected(Hook.EAGER_SORTER);
            segments = (List<MemorySegment>) target;
            before = segments.size();
            int rest = pages;
            while (rest > slotPages) {
                mm.allocatePages(owner, segments, (int) slotPages);
                rest -= (int) slotPages;
            }
            return rest;
        } catch (Throwable t) {
            if (segments != null && segments.size() > before) {
                List<MemorySegment> taken = segments.subList(before, segments.size());
                ((MemoryManager) memoryManager).release(new ArrayList<>(taken));
                taken.clear();
            }
            FailOpen.report(Hook.EAGER_SORTER, t);
            return flinkPages >= 0 ? flinkPages : pages;
        }
    }

    // ------------------------------------------------------------------------
    //  Lazy consumers: LazyMemorySegmentPool.nextSegment
    // ------------------------------------------------------------------------

    /**
     * Refills a sorter's {@code LazyMemorySegmentPool} whose page cache is empty. Flink would
     * request one 16 MiB chunk and fail the task if it cannot get it. A sorter's pool instead
     * grows geometrically (its next chunk is as large as what it already uses, from 1 MiB up to
     * Flink's chunk, never more than its slot's pages), takes what the pool can grant without
     * touching other consumers' earmarks, and when the pool grants nothing it gets "no page"
     * (returns {@link #HANDLED}, so {@code nextSegment()} returns null) and spills, as it would at
     * the end of a static budget. A sorter's very first page waits up to the reclaim timeout and
     * then falls back to Flink's own path. Every other table consumer's pool runs Flink's own
     * code: its plan is earmarked, so its pages are there. If this hook fails for a sorter's pool,
     * the sorter may already plan beyond its slot's share, so Flink's own request would be refused
     * and fail the task: it gets {@link #refillOrSpill} instead.
     */
    @SuppressWarnings("unchecked")
    public static boolean refillLazyPool(Object lazyPool, Object memoryManager, Object owner, Object cachePages,
            int maxPages, int pageUsage, int perRequestPages) {
        Object known = null;
        try {
            List<MemorySegment> cache = (List<MemorySegment>) cachePages;
            int freePages = maxPages - pageUsage;
            if (!cache.isEmpty() || freePages <= 0) {
                return RUN_FLINK;
            }
            known = LAZY_POOLS.get(lazyPool);
            if (known == null) {
                return RUN_FLINK;
            }
            MemoryManager manager = (MemoryManager) memoryManager;
            PoolUse recorded = known == UNRECORDED_SORTER ? null : (PoolUse) known;
            if (recorded != null && !recorded.consumer().borrows()) {
                // Flink's own refill follows (not a sorter, or a policy that does not lend): the
                // pool will hold what it handed out plus one request.
                recorded.refilled((long) (pageUsage + Math.min(freePages, perRequestPages)) * manager.getPageSize(),
                        System.nanoTime());
                return RUN_FLINK;
            }
            Governed g = AgentRuntime.governed(FlinkReflection.budgetOf(manager));
            if (g == null || !g.pool.policy().lends()) {
                return RUN_FLINK;
            }
            FailOpen.checkInjected(Hook.LAZY_REFILL);
            int pageSize = manager.getPageSize();
            int slotPages = (int) Math.max(1, g.slot.guaranteeBytes() / pageSize);
            int want = Math.min(Math.min(freePages, perRequestPages), slotPages);
            want = Math.min(want, Math.max(Consumers.firstChunkPages(pageSize), pageUsage));
            if (pageUsage == 0 && g.pool.grantableBytes(g.slot) - g.slot.earmarkedBytes() < pageSize) {
                g.pool.awaitGrantable(g.slot, pageSize);
            }
            int pages = (int) Math.min(want, (g.pool.grantableBytes(g.slot) - g.slot.earmarkedBytes()) / pageSize);
            if (pages < want) {
                g.pool.noteLazyRefusal(g.slot, (long) want * pageSize, (long) Math.max(0, pages) * pageSize);
            }
            boolean[] refilling = SORTER_REFILL.get();
            refilling[0] = true;
            try {
                int got = allocateHalving(manager, owner, cache, pages);
                if (got == 0 && pageUsage == 0) {
                    // A sorter cannot start without a page: Flink's own request, which fails the
                    // task exactly as an exhausted static budget would.
                    manager.allocatePages(owner, cache, want);
                    got = want;
                }
                if (got > 0) {
                    if (recorded != null) {
                        recorded.refilled((long) (pageUsage + got) * pageSize, System.nanoTime());
                    }
                    return RUN_FLINK;
                }
            } finally {
                refilling[0] = false;
            }
            g.pool.statistics().noteDeniedPage();
            if (recorded != null) {
                recorded.consumer().noteDenied();
            }
            AgentRuntime.decisions().deniedPage(g, pageUsage);
            return HANDLED;
        } catch (MemoryAllocationException e) {
            throw new RuntimeException(e);
        } catch (Throwable t) {
            FailOpen.report(Hook.LAZY_REFILL, t);
            boolean sorter = known == UNRECORDED_SORTER || (known instanceof PoolUse && ((PoolUse) known).consumer().borrows());
            return sorter ? refillOrSpill(memoryManager, owner, cachePages, maxPages - pageUsage, pageUsage, perRequestPages)
                    : RUN_FLINK;
        }
    }

    /**
     * A sorter's refill without the pool's advice: Flink's request, halved while it is refused;
     * with nothing granted the sorter spills ("no page"), unless it has no page yet, when Flink's
     * own request runs (and fails as an exhausted static budget would).
     */
    @SuppressWarnings("unchecked")
    private static boolean refillOrSpill(Object memoryManager, Object owner, Object cachePages, int freePages,
            int pageUsage, int perRequestPages) {
        boolean[] refilling = SORTER_REFILL.get();
        try {
            List<MemorySegment> cache = (List<MemorySegment>) cachePages;
            if (!cache.isEmpty()) {
                return RUN_FLINK;
            }
            refilling[0] = true;
            int got = allocateHalving((MemoryManager) memoryManager, owner, cache, Math.min(freePages, perRequestPages));
            return got == 0 && pageUsage > 0 ? HANDLED : RUN_FLINK;
        } catch (Throwable t) {
            FailOpen.report(Hook.LAZY_REFILL, t);
            return RUN_FLINK;
        } finally {
            refilling[0] = false;
        }
    }

    /** Allocates up to {@code pages} into {@code cache}, halving the request while it is refused; returns the pages got. */
    private static int allocateHalving(MemoryManager manager, Object owner, List<MemorySegment> cache, int pages) {
        while (pages > 0) {
            try {
                manager.allocatePages(owner, cache, pages);
                return pages;
            } catch (MemoryAllocationException refused) {
                pages /= 2;
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------------
    //  Spill accounting: AbstractFileIOChannel.deleteChannel
    // ------------------------------------------------------------------------

    /** A spill channel is about to be deleted: count the bytes it held. */
    public static void onSpillChannelDeleted(Object channelId) {
        AgentRuntime rt = AgentRuntime.current();
        if (rt == null) {
            return;
        }
        try {
            FailOpen.checkInjected(Hook.SPILL_ACCOUNTING);
            rt.spill().onChannelDeleted(channelId, rt.consumers());
        } catch (Throwable t) {
            FailOpen.report(Hook.SPILL_ACCOUNTING, t);
        }
    }
}
