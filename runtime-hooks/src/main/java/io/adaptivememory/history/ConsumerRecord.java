package io.adaptivememory.history;

/**
 * One managed-memory consumer's lifetime, as the agent writes it to the history (one line of a
 * {@code consumers-*.csv} file; docs/HISTORY.md has every column). Byte and time values that were
 * not measured are -1.
 *
 * @param endMillis wall-clock time the consumer ended (epoch milliseconds)
 * @param taskManager the TaskManager process that ran it ({@code host-pid-start})
 * @param job the Flink job id: the unit of one run
 * @param vertex a hash of the task's name without its subtask suffix: the same for every run of
 *     the same job graph, and no user data
 * @param operator the first operator of the task's name (e.g. {@code SortAggregate})
 * @param predictedBytes the online estimator's demand estimate when the plan was made
 * @param predictedUpperBytes that estimate plus its uncertainty margin: what the adaptive policy
 *     kept from being lent while the consumer ran
 * @param peakBytes the most the consumer held
 * @param spilledBytes bytes the consumer wrote to spill files, as Flink counts them
 * @param denied whether the pool refused it a page (it then spilled)
 */
public record ConsumerRecord(
        long endMillis,
        String taskManager,
        String job,
        String vertex,
        String operator,
        ConsumerKind kind,
        int subtask,
        int parallelism,
        int slot,
        int slots,
        long shareBytes,
        long requestedBytes,
        long grantedBytes,
        long predictedBytes,
        long predictedUpperBytes,
        long peakBytes,
        long timeToPeakMillis,
        long lifetimeMillis,
        long spilledBytes,
        long spillFiles,
        boolean denied,
        long inputRecords,
        long inputBytes) {

    /**
     * What the consumer would have needed not to spill: its peak plus what it spilled. Spill files
     * may be compressed, so for a consumer that spilled this is a lower bound.
     */
    public long demandBytes() {
        return Math.max(0, peakBytes) + Math.max(0, spilledBytes);
    }

    /** Whether this consumer wrote anything to disk. */
    public boolean spilled() {
        return spilledBytes > 0 || spillFiles > 0;
    }
}
