package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;

/**
 * Hand-made consumer records for the simulator tests: one TaskManager of 4 slots x 64 MiB, each
 * consumer planned by Flink with its slot's whole share and recorded as static Flink would
 * record it (peak = min(demand, plan), the rest spilled). The time to peak is left unmeasured,
 * so a consumer's demand ramps over its whole lifetime.
 */
final class Histories {

    static final long MIB = 1L << 20;
    static final int SLOTS = 4;
    static final long SHARE_BYTES = 64 * MIB;
    static final long TOTAL_BYTES = SLOTS * SHARE_BYTES;

    private Histories() {}

    static ConsumerRecord consumer(String job, ConsumerKind kind, int slot, long demandMiB, long startMillis,
            long lifetimeMillis) {
        long demand = demandMiB * MIB;
        long peak = kind == ConsumerKind.SORT || kind == ConsumerKind.HASH_JOIN ? Math.min(demand, SHARE_BYTES)
                : SHARE_BYTES;
        long spilled = Math.max(0, demand - peak);
        return new ConsumerRecord(startMillis + lifetimeMillis, "tm-1", job, "v1", "Op", kind, slot, SLOTS, slot,
                SLOTS, SHARE_BYTES, SHARE_BYTES, SHARE_BYTES, -1, -1, peak, -1, lifetimeMillis, spilled,
                spilled > 0 ? 1 : 0, false, 1000, demand);
    }

    static ConsumerRecord sorter(int slot, long demandMiB, long startMillis, long lifetimeMillis) {
        return consumer("job-1", ConsumerKind.SORT, slot, demandMiB, startMillis, lifetimeMillis);
    }
}
