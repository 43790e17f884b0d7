package io.adaptivememory.agent;

import io.adaptivememory.agent.advice.AllocatePagesAdvice;
import io.adaptivememory.agent.advice.AllocateSlotAdvice;
import io.adaptivememory.agent.advice.BudgetAvailableAdvice;
import io.adaptivememory.agent.advice.BudgetReleaseAdvice;
import io.adaptivememory.agent.advice.BudgetReserveAdvice;
import io.adaptivememory.agent.advice.ComputeMemorySizeAdvice;
import io.adaptivememory.agent.advice.ComputeNumberOfPagesAdvice;
import io.adaptivememory.agent.advice.EagerSorterBuildAdvice;
import io.adaptivememory.agent.advice.EagerSorterConstructorAdvice;
import io.adaptivememory.agent.advice.HashMapConstructorAdvice;
import io.adaptivememory.agent.advice.HashTableConstructorAdvice;
import io.adaptivememory.agent.advice.LazyPoolConstructorAdvice;
import io.adaptivememory.agent.advice.LazyPoolRefillAdvice;
import io.adaptivememory.agent.advice.TableSizingAdvice;
import io.adaptivememory.agent.advice.MemoryManagerShutdownAdvice;
import io.adaptivememory.agent.advice.ReleaseAllAdvice;
import io.adaptivememory.agent.advice.SlotTableCloseAdvice;
import io.adaptivememory.agent.advice.SharedResourceAdvice;
import io.adaptivememory.agent.advice.SlotTableConstructorAdvice;
import io.adaptivememory.agent.advice.SorterConstructorAdvice;
import io.adaptivememory.agent.advice.SpillChannelDeleteAdvice;
import io.adaptivememory.agent.advice.TaskExecutorConstructorAdvice;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The hooks, with exact matchers (name, argument count and types). Advice only, no class format
 * changes, retransformation so that classes loaded before a late attach are covered too.
 *
 * <p>All or nothing: the hooks only keep the books right together (a reservation the pool granted
 * must come back through the release hook, a plan it earmarked through the sizing hooks), so
 * before anything is installed {@link #mismatches} reads every hooked class from the class path,
 * without loading it, and the agent stays passive if any hooked method is missing or matches more
 * than once. Classes of flink-table-runtime are checked when present; a TaskManager without them
 * runs no SQL operator.
 */
final class FlinkInstrumentation {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkInstrumentation.class);

    static final String MEMORY_MANAGER = "org.apache.flink.runtime.memory.MemoryManager";
    static final String BUDGET = "org.apache.flink.runtime.memory.UnsafeMemoryBudget";
    static final String SLOT_TABLE = "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl";
    static final String RESOURCE_PROFILE = "org.apache.flink.runtime.clusterframework.types.ResourceProfile";
    static final String JOB_ID = "org.apache.flink.api.common.JobID";
    static final String ALLOCATION_ID = "org.apache.flink.runtime.clusterframework.types.AllocationID";
    static final String LAZY_POOL = "org.apache.flink.table.runtime.util.LazyMemorySegmentPool";
    static final String TABLE_OPERATORS = "org.apache.flink.table.runtime.operators.";
    static final String SORTER = "org.apache.flink.table.runtime.operators.sort.BinaryExternalSorter";
    static final String TASK_EXECUTOR = "org.apache.flink.runtime.taskexecutor.TaskExecutor";
    static final String TASK_MANAGER_SERVICES = "org.apache.flink.runtime.taskexecutor.TaskManagerServices";
    static final String TASK_MANAGER_METRIC_GROUP = "org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup";
    static final String FILE_CHANNEL = "org.apache.flink.runtime.io.disk.iomanager.AbstractFileIOChannel";
    static final String HASH_TABLE = "org.apache.flink.table.runtime.hashtable.BaseHybridHashTable";
    static final String HASH_MAP = "org.apache.flink.table.runtime.util.collections.binary.BytesMap";
    static final String EAGER_SORTER_BUILDER = "org.apache.flink.runtime.operators.sort.ExternalSorterBuilder";
    static final String EAGER_SORTER = "org.apache.flink.runtime.operators.sort.ExternalSorter";

    /** One advised Flink method or constructor; {@code signature} names it in messages. */
    record HookPoint(String type, String signature, ElementMatcher<? super MethodDescription> method,
            Class<?> advice) {

        /** flink-runtime's classes must be there; flink-table-runtime's may be absent. */
        boolean typeRequired() {
            return !type.startsWith("org.apache.flink.table.");
        }
    }

    static final List<HookPoint> HOOK_POINTS = List.of(
            new HookPoint(BUDGET, "reserveMemory(long)",
                    named("reserveMemory").and(takesArguments(long.class)).and(returns(void.class)),
                    BudgetReserveAdvice.class),
            new HookPoint(BUDGET, "releaseMemory(long)",
                    named("releaseMemory").and(takesArguments(long.class)).and(returns(void.class)),
                    BudgetReleaseAdvice.class),
            new HookPoint(BUDGET, "getAvailableMemorySize()",
                    named("getAvailableMemorySize").and(takesArguments(0)).and(returns(long.class)),
                    BudgetAvailableAdvice.class),
            new HookPoint(MEMORY_MANAGER, "computeMemorySize(double)",
                    named("computeMemorySize").and(takesArguments(double.class)).and(returns(long.class)),
                    ComputeMemorySizeAdvice.class),
            new HookPoint(MEMORY_MANAGER, "computeNumberOfPages(double)",
                    named("computeNumberOfPages").and(takesArguments(double.class)).and(returns(int.class)),
                    ComputeNumberOfPagesAdvice.class),
            new HookPoint(MEMORY_MANAGER, "allocatePages(Object, Collection, int)",
                    named("allocatePages")
                            .and(takesArguments(3))
                            .and(takesArgument(0, Object.class))
                            .and(takesArgument(1, Collection.class))
                            .and(takesArgument(2, int.class)),
                    AllocatePagesAdvice.class),
            new HookPoint(EAGER_SORTER_BUILDER, "doBuild(ReadingStageFactory)",
                    named("doBuild").and(takesArguments(1)),
                    EagerSorterBuildAdvice.class),
            new HookPoint(EAGER_SORTER, "<init>(10 arguments: Collection 9th)",
                    isConstructor().and(takesArguments(10)).and(takesArgument(8, Collection.class)),
                    EagerSorterConstructorAdvice.class),
            new HookPoint(MEMORY_MANAGER, "shutdown()",
                    named("shutdown").and(takesArguments(0)),
                    MemoryManagerShutdownAdvice.class),
            new HookPoint(MEMORY_MANAGER, "releaseAll(Object)",
                    named("releaseAll").and(takesArguments(Object.class)),
                    ReleaseAllAdvice.class),
            new HookPoint(MEMORY_MANAGER, "getSharedMemoryResourceForManagedMemory(String, ?, double)",
                    named("getSharedMemoryResourceForManagedMemory")
                            .and(takesArguments(3))
                            .and(takesArgument(0, String.class))
                            .and(takesArgument(2, double.class)),
                    SharedResourceAdvice.class),
            new HookPoint(SLOT_TABLE, "<init>(int, ResourceProfile, ResourceProfile, int, ...)",
                    isConstructor()
                            .and(takesArgument(0, int.class))
                            .and(takesArgument(1, named(RESOURCE_PROFILE)))
                            .and(takesArgument(2, named(RESOURCE_PROFILE)))
                            .and(takesArgument(3, int.class)),
                    SlotTableConstructorAdvice.class),
            new HookPoint(SLOT_TABLE, "allocateSlot(int, JobID, AllocationID, ResourceProfile, ?)",
                    named("allocateSlot")
                            .and(takesArguments(5))
                            .and(takesArgument(0, int.class))
                            .and(takesArgument(1, named(JOB_ID)))
                            .and(takesArgument(2, named(ALLOCATION_ID)))
                            .and(takesArgument(3, named(RESOURCE_PROFILE))),
                    AllocateSlotAdvice.class),
            new HookPoint(SLOT_TABLE, "closeAsync()",
                    named("closeAsync").and(takesArguments(0)),
                    SlotTableCloseAdvice.class),
            new HookPoint(TASK_EXECUTOR, "<init>(12 arguments: TaskManagerServices 4th, TaskManagerMetricGroup 7th)",
                    isConstructor()
                            .and(takesArguments(12))
                            .and(takesArgument(3, named(TASK_MANAGER_SERVICES)))
                            .and(takesArgument(6, named(TASK_MANAGER_METRIC_GROUP))),
                    TaskExecutorConstructorAdvice.class),
            new HookPoint(FILE_CHANNEL, "deleteChannel()",
                    named("deleteChannel").and(takesArguments(0)),
                    SpillChannelDeleteAdvice.class),
            new HookPoint(LAZY_POOL, "<init>(Object, MemoryManager, int)",
                    isConstructor().and(takesArguments(3)).and(takesArgument(2, int.class)),
                    LazyPoolConstructorAdvice.class),
            new HookPoint(LAZY_POOL, "nextSegment()",
                    named("nextSegment").and(takesArguments(0)),
                    LazyPoolRefillAdvice.class),
            new HookPoint(SORTER, "<init>(13 arguments: MemoryManager 2nd, long 3rd)",
                    isConstructor()
                            .and(takesArguments(13))
                            .and(takesArgument(1, named(MEMORY_MANAGER)))
                            .and(takesArgument(2, long.class)),
                    SorterConstructorAdvice.class),
            new HookPoint(HASH_TABLE, "<init>(9 arguments: MemoryManager 4th, long 5th)",
                    isConstructor()
                            .and(takesArguments(9))
                            .and(takesArgument(3, named(MEMORY_MANAGER)))
                            .and(takesArgument(4, long.class)),
                    HashTableConstructorAdvice.class),
            new HookPoint(HASH_MAP, "<init>(Object, MemoryManager, long, ?)",
                    isConstructor()
                            .and(takesArguments(4))
                            .and(takesArgument(1, named(MEMORY_MANAGER)))
                            .and(takesArgument(2, long.class)),
                    HashMapConstructorAdvice.class));

    private final Set<String> transformed = ConcurrentHashMap.newKeySet();

    /**
     * Every hook point that does not match exactly one method of its class as found on the class
     * path of {@code loader} (classes are read, not loaded), described for the log; empty when all
     * the hooks fit this Flink.
     */
    static List<String> mismatches(ClassLoader loader) {
        TypePool types = TypePool.Default.WithLazyResolution.of(ClassFileLocator.ForClassLoader.of(loader));
        List<String> problems = new ArrayList<>();
        for (HookPoint h : HOOK_POINTS) {
            try {
                TypePool.Resolution type = types.describe(h.type());
                if (!type.isResolved()) {
                    if (h.typeRequired()) {
                        problems.add(h.type() + " is not on the class path");
                    }
                    continue;
                }
                int matches = type.resolve().getDeclaredMethods().filter(h.method()).size();
                if (matches != 1) {
                    problems.add(h.type() + "." + h.signature() + (matches == 0 ? " is missing" : " matches " + matches
                            + " methods"));
                }
            } catch (RuntimeException | LinkageError e) {
                problems.add(h.type() + "." + h.signature() + " cannot be read: " + e);
            }
        }
        return problems;
    }

    ResettableClassFileTransformer install(Instrumentation instrumentation) {
        ClassLoader agentLoader = FlinkInstrumentation.class.getClassLoader();
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new Listener())
                .ignore(not(nameStartsWith("org.apache.flink.")));
        Map<String, AgentBuilder.Transformer.ForAdvice> byType = new LinkedHashMap<>();
        for (HookPoint h : HOOK_POINTS) {
            AgentBuilder.Transformer.ForAdvice advised =
                    byType.getOrDefault(h.type(), new AgentBuilder.Transformer.ForAdvice().include(agentLoader));
            byType.put(h.type(), advised.advice(h.method(), h.advice().getName()));
        }
        for (Map.Entry<String, AgentBuilder.Transformer.ForAdvice> e : byType.entrySet()) {
            builder = builder.type(named(e.getKey())).transform(e.getValue());
        }
        // Marks the sizing of table operators (a family of classes, so not a hook point checked above).
        return builder
                .type(nameStartsWith(TABLE_OPERATORS).and(declaresMethod(named("computeMemorySize"))))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(named("computeMemorySize").and(returns(long.class)),
                                TableSizingAdvice.class.getName()))
                .installOn(instrumentation);
    }

    /** Names of the Flink classes transformed so far. */
    Set<String> transformed() {
        return transformed;
    }

    /** Reports every transformation; an error here means a hook is missing, so it is loud. */
    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            transformed.add(type.getName());
            LOG.debug("Flink Adaptive Memory instrumented {}", type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            LOG.warn("Flink Adaptive Memory could not instrument {}; that hook stays inactive and Flink's own "
                    + "behaviour applies there", typeName, error);
        }
    }
}
