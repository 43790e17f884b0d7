package io.adaptivememory.flink;

/**
 * Every place where Flink calls into the agent, named as the fail-open meter's {@code hook} tag
 * and the test-only fault switch ({@code adaptive.memory.test.inject-fault}) name it.
 */
public enum Hook {
    SLOT_TABLE("slot-table"),
    TASK_EXECUTOR("task-executor"),
    SLOT_ALLOCATED("slot-allocated"),
    SLOT_TABLE_CLOSE("slot-table-close"),
    MEMORY_MANAGER_SHUTDOWN("memory-manager-shutdown"),
    RELEASE_ALL("release-all"),
    RESERVE("reserve"),
    RELEASE("release"),
    AVAILABLE_MEMORY("available-memory"),
    COMPUTE_MEMORY_SIZE("compute-memory-size"),
    COMPUTE_NUMBER_OF_PAGES("compute-number-of-pages"),
    EAGER_SORTER("eager-sorter"),
    SORTER_PLAN("sorter-plan"),
    LAZY_POOL_CREATED("lazy-pool-created"),
    LAZY_REFILL("lazy-refill"),
    SPILL_ACCOUNTING("spill-accounting"),
    CONSUMER_BUILT("consumer-built"),
    HISTORY("history"),
    CONTROLLER("controller");

    private final String id;

    Hook(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
