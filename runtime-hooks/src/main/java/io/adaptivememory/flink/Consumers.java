package io.adaptivememory.flink;

/** Facts about Flink's managed-memory consumers that the sizing rules depend on. */
final class Consumers {

    /**
     * The fewest pages an eager consumer is ever planned with: Flink's {@code ExternalSorter}
     * needs 2 write buffers + 10 sort segments, plus 4 for large records.
     */
    static final int EAGER_MINIMUM_PAGES = 16;

    /**
     * The fewest pages a table operator's plan is shrunk to when its slot's share is out on loan:
     * a hash map needs 1 MiB of buckets plus record pages, a hash table a buffer per partition.
     */
    static final int TABLE_MINIMUM_PAGES = 128;

    /**
     * An earmark this old in a slot whose task just ended and that holds no page is stale: a
     * consumer allocates within milliseconds of planning.
     */
    static final long STALE_EARMARK_NANOS = 500_000_000L;

    /** A lazy consumer's first chunk under a lending policy: 1 MiB instead of Flink's 16 MiB. */
    static final long FIRST_CHUNK_BYTES = 1 << 20;

    private Consumers() {}

    static int firstChunkPages(int pageSize) {
        return (int) Math.max(1, FIRST_CHUNK_BYTES / pageSize);
    }
}
