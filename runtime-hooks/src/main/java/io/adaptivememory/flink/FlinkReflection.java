package io.adaptivememory.flink;

import org.apache.flink.runtime.memory.MemoryManager;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Reads Flink internals the public API does not expose. Checked once, when the agent starts. */
final class FlinkReflection {

    private static final VarHandle MEMORY_BUDGET = memoryBudget();
    private static final String SLOT_TABLE = "org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl";

    private FlinkReflection() {}

    private static VarHandle memoryBudget() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(MemoryManager.class, MethodHandles.lookup());
            Class<?> budget = Class.forName("org.apache.flink.runtime.memory.UnsafeMemoryBudget", false,
                    MemoryManager.class.getClassLoader());
            return lookup.findVarHandle(MemoryManager.class, "memoryBudget", budget);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MemoryManager.memoryBudget is not accessible", e);
        }
    }

    /** A running TaskManager's slot count, for a late attach. */
    static int numberOfSlots(Object slotTable) throws ReflectiveOperationException {
        return (int) field(slotTable, "numberSlots");
    }

    /** A running TaskManager's default slot profile, for a late attach. */
    static Object defaultSlotProfile(Object slotTable) throws ReflectiveOperationException {
        return field(slotTable, "defaultSlotResourceProfile");
    }

    /** The allocation ids of a running TaskManager's allocated slots, for a late attach. */
    static java.util.List<Object> allocationIds(Object slotTable) throws ReflectiveOperationException {
        return new java.util.ArrayList<>(((java.util.Map<?, ?>) field(slotTable, "allocatedSlots")).keySet());
    }

    private static Object field(Object slotTable, String name) throws ReflectiveOperationException {
        Class<?> type = Class.forName(SLOT_TABLE, false, slotTable.getClass().getClassLoader());
        java.lang.reflect.Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(slotTable);
    }

    /** Fails when this Flink version lacks the internals the hooks rely on. */
    static void check() {
        if (MEMORY_BUDGET == null) {
            throw new IllegalStateException("MemoryManager.memoryBudget is missing");
        }
        Reservations.check();
    }

    /** The slot's {@code UnsafeMemoryBudget}, the object the budget hooks see as {@code this}. */
    static Object budgetOf(MemoryManager manager) {
        return MEMORY_BUDGET.get(manager);
    }
}
