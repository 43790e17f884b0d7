package io.adaptivememory.agent;

import io.adaptivememory.agent.advice.AllocateSlotAdvice;
import io.adaptivememory.agent.advice.BudgetAvailableAdvice;
import io.adaptivememory.agent.advice.BudgetReleaseAdvice;
import io.adaptivememory.agent.advice.BudgetReserveAdvice;
import io.adaptivememory.agent.advice.ComputeMemorySizeAdvice;
import io.adaptivememory.agent.advice.ComputeNumberOfPagesAdvice;
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
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.instrument.Instrumentation;
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

    private final Set<String> transformed = ConcurrentHashMap.newKeySet();

    ResettableClassFileTransformer install(Instrumentation instrumentation) {
        ClassLoader agentLoader = FlinkInstrumentation.class.getClassLoader();
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new Listener())
                .ignore(not(nameStartsWith("org.apache.flink.")))
                .type(named(BUDGET))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(named("reserveMemory").and(takesArguments(long.class)).and(returns(void.class)),
                                BudgetReserveAdvice.class.getName())
                        .advice(named("releaseMemory").and(takesArguments(long.class)).and(returns(void.class)),
                                BudgetReleaseAdvice.class.getName())
                        .advice(named("getAvailableMemorySize").and(takesArguments(0)).and(returns(long.class)),
                                BudgetAvailableAdvice.class.getName()))
                .type(named(MEMORY_MANAGER))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(named("computeMemorySize").and(takesArguments(double.class)).and(returns(long.class)),
                                ComputeMemorySizeAdvice.class.getName())
                        .advice(named("computeNumberOfPages").and(takesArguments(double.class)).and(returns(int.class)),
                                ComputeNumberOfPagesAdvice.class.getName())
                        .advice(named("shutdown").and(takesArguments(0)),
                                MemoryManagerShutdownAdvice.class.getName())
                        .advice(named("releaseAll").and(takesArguments(Object.class)),
                                ReleaseAllAdvice.class.getName())
                        .advice(named("getSharedMemoryResourceForManagedMemory")
                                        .and(takesArguments(3))
                                        .and(takesArgument(0, String.class))
                                        .and(takesArgument(2, double.class)),
                                SharedResourceAdvice.class.getName()))
                .type(named(SLOT_TABLE))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor()
                                        .and(takesArgument(0, int.class))
                                        .and(takesArgument(1, named(RESOURCE_PROFILE)))
                                        .and(takesArgument(2, named(RESOURCE_PROFILE)))
                                        .and(takesArgument(3, int.class)),
                                SlotTableConstructorAdvice.class.getName())
                        .advice(named("allocateSlot")
                                        .and(takesArguments(5))
                                        .and(takesArgument(0, int.class))
                                        .and(takesArgument(1, named(JOB_ID)))
                                        .and(takesArgument(2, named(ALLOCATION_ID)))
                                        .and(takesArgument(3, named(RESOURCE_PROFILE))),
                                AllocateSlotAdvice.class.getName())
                        .advice(named("closeAsync").and(takesArguments(0)),
                                SlotTableCloseAdvice.class.getName()))
                .type(named(TASK_EXECUTOR))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor()
                                        .and(takesArguments(12))
                                        .and(takesArgument(3, named(TASK_MANAGER_SERVICES)))
                                        .and(takesArgument(6, named(TASK_MANAGER_METRIC_GROUP))),
                                TaskExecutorConstructorAdvice.class.getName()))
                .type(named(LAZY_POOL))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor().and(takesArguments(3)).and(takesArgument(2, int.class)),
                                LazyPoolConstructorAdvice.class.getName())
                        .advice(named("nextSegment").and(takesArguments(0)),
                                LazyPoolRefillAdvice.class.getName()))
                .type(named(SORTER))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor()
                                        .and(takesArguments(13))
                                        .and(takesArgument(1, named(MEMORY_MANAGER)))
                                        .and(takesArgument(2, long.class)),
                                SorterConstructorAdvice.class.getName()))
                .type(named(HASH_TABLE))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor()
                                        .and(takesArguments(9))
                                        .and(takesArgument(3, named(MEMORY_MANAGER)))
                                        .and(takesArgument(4, long.class)),
                                HashTableConstructorAdvice.class.getName()))
                .type(named(HASH_MAP))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(isConstructor()
                                        .and(takesArguments(4))
                                        .and(takesArgument(1, named(MEMORY_MANAGER)))
                                        .and(takesArgument(2, long.class)),
                                HashMapConstructorAdvice.class.getName()))
                .type(nameStartsWith(TABLE_OPERATORS).and(declaresMethod(named("computeMemorySize"))))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(named("computeMemorySize").and(returns(long.class)),
                                TableSizingAdvice.class.getName()))
                .type(named(FILE_CHANNEL))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(agentLoader)
                        .advice(named("deleteChannel").and(takesArguments(0)),
                                SpillChannelDeleteAdvice.class.getName()))
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
