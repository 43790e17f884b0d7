package io.adaptivememory.bench.suite;

/**
 * What one measured run showed. Counter values are deltas over the run.
 *
 * @param repeat 1..N for the measured repeats; 0 for a zero-spill sweep run
 * @param slotBytes managed memory per slot of the cluster
 * @param wallMillis wall time at the client, submission to the last result row
 * @param spilledBytes {@code adaptive_memory_spilled_bytes_total}
 * @param peakRssBytes the TaskManager process's highest sampled {@code VmRSS}
 * @param utilisation time-weighted {@code adaptive_memory_pool_reserved_bytes} over the run, as a
 *     fraction (0..1) of the pool's total
 * @param hotSlotPeakBytes the highest {@code adaptive_memory_slot_reserved_peak_bytes} of any slot
 * @param reclaimWaits {@code adaptive_memory_reclaim_wait_seconds_count}
 * @param reclaimWaitSeconds {@code adaptive_memory_reclaim_wait_seconds_sum}
 */
public record RunRecord(
        String workload,
        Policy policy,
        int repeat,
        long slotBytes,
        long wallMillis,
        long spilledBytes,
        long peakRssBytes,
        double utilisation,
        long hotSlotPeakBytes,
        long reclaimWaits,
        double reclaimWaitSeconds) {}
