package io.adaptivememory.history;

import java.util.Locale;

/** What a managed-memory consumer is, as the history records it (docs/HISTORY.md, column {@code kind}). */
public enum ConsumerKind {
    /** SQL sorters: sorts, sort aggregations, sort-merge joins ({@code BinaryExternalSorter}). */
    SORT,
    /** SQL hash joins ({@code BaseHybridHashTable}). */
    HASH_JOIN,
    /** SQL hash aggregations ({@code BytesHashMap}). */
    HASH_AGG,
    /** SQL window aggregations and other window buffers. */
    WINDOW_AGG,
    /** DataStream BATCH sorted inputs and the runtime's eager sorters and merge iterators. */
    DATASTREAM_SORT,
    /** The RocksDB state backend's shared cache. */
    ROCKSDB,
    /** Python workers' shared managed memory. */
    PYTHON,
    OTHER;

    /** The lower-case name the history and the model file use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with the given {@link #id()}. */
    public static ConsumerKind parse(String id) {
        for (ConsumerKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown consumer kind '" + id + "'");
    }
}
