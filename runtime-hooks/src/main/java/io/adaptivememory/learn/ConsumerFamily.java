package io.adaptivememory.learn;

import io.adaptivememory.history.ConsumerKind;

/**
 * Flink's managed-memory use cases ({@code taskmanager.memory.managed.consumer-weights}), which
 * split each slot's managed memory by weight among the ones present in the slot.
 */
public enum ConsumerFamily {
    OPERATOR,
    STATE_BACKEND,
    PYTHON;

    /** The family Flink accounts the kind under; {@code other} consumers are operators to Flink. */
    public static ConsumerFamily of(ConsumerKind kind) {
        return switch (kind) {
            case ROCKSDB -> STATE_BACKEND;
            case PYTHON -> PYTHON;
            case SORT, HASH_JOIN, HASH_AGG, WINDOW_AGG, DATASTREAM_SORT, OTHER -> OPERATOR;
        };
    }
}
