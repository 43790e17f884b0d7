package io.adaptivememory.flink;

import org.apache.flink.runtime.execution.Environment;
import org.apache.flink.runtime.metrics.groups.TaskIOMetricGroup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reads what Flink itself counts about a consumer and its task, for the history: the spill
 * counters and used memory that flink-table-runtime's sorter, hash tables and hash maps expose
 * ({@code getSpillInBytes()}, {@code getNumSpillFiles()}, {@code getUsedMemoryInBytes()}, the
 * same values their operators publish as metrics), and the task's input counters
 * ({@code numRecordsIn}, {@code numBytesIn}). The agent compiles without flink-table-runtime, so the
 * getters are found by name once per class and called through method handles typed
 * {@code (Object)long}: no boxing, no reflection per call. A class without a getter reads -1
 * (not measured).
 */
final class ConsumerProbe {

    private static final MethodType LONG_GETTER = MethodType.methodType(long.class, Object.class);

    private static final ClassValue<MethodHandle> SPILLED = getter("getSpillInBytes");
    private static final ClassValue<MethodHandle> SPILL_FILES = getter("getNumSpillFiles");
    private static final ClassValue<MethodHandle> USED = getter("getUsedMemoryInBytes");
    private static final ClassValue<MethodHandle> ENVIRONMENT = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup()
                        .findVirtual(type, "getEnvironment", MethodType.methodType(Environment.class))
                        .asType(MethodType.methodType(Environment.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException absent) {
                return null;
            }
        }
    };

    private ConsumerProbe() {}

    private static ClassValue<MethodHandle> getter(String name) {
        return new ClassValue<>() {
            @Override
            protected MethodHandle computeValue(Class<?> type) {
                try {
                    return MethodHandles.publicLookup()
                            .findVirtual(type, name, MethodType.methodType(long.class))
                            .asType(LONG_GETTER);
                } catch (ReflectiveOperationException | RuntimeException absent) {
                    return null;
                }
            }
        };
    }

    static long spilledBytes(Object consumer) {
        return read(SPILLED, consumer);
    }

    static long spillFiles(Object consumer) {
        return read(SPILL_FILES, consumer);
    }

    static long usedBytes(Object consumer) {
        return read(USED, consumer);
    }

    private static long read(ClassValue<MethodHandle> getter, Object consumer) {
        if (consumer == null) {
            return -1;
        }
        MethodHandle handle = getter.get(consumer.getClass());
        if (handle == null) {
            return -1;
        }
        try {
            return (long) handle.invokeExact(consumer);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The task's input counters, or null when the owner is not a Flink task with an environment. */
    static TaskIOMetricGroup taskIo(Object owner) {
        if (owner == null) {
            return null;
        }
        MethodHandle handle = ENVIRONMENT.get(owner.getClass());
        if (handle == null) {
            return null;
        }
        try {
            Environment environment = (Environment) handle.invokeExact(owner);
            return environment == null ? null : environment.getMetricGroup().getIOMetricGroup();
        } catch (Throwable t) {
            return null;
        }
    }
}
