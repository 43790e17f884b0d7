package io.adaptivememory.flink;

/** Facts about Flink's managed-memory consumers that the sizing rules depend on. */
final class Consumers {

    /**
     * The fewest pages an eager consumer is ever planned with: Flink's {@code ExternalSorter}
     * needs 2 write buffers + 10 sort segments, plus 4 for large records.
     */
    static final int EAGER_MINIMUM_PAGES = 16;

    /** A lazy consumer's first chunk under a lending policy: 1 MiB instead of Flink's 16 MiB. */
    static final long FIRST_CHUNK_BYTES = 1 << 20;

    private Consumers() {}

    static int firstChunkPages(int pageSize) {
        return (int) Math.max(1, FIRST_CHUNK_BYTES / pageSize);
    }
}
