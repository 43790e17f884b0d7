package io.adaptivememory.simulate;

/**
 * What one policy did with a replayed history.
 *
 * @param policy the {@link PolicyVariant#name()}
 * @param consumers consumers replayed
 * @param events consumer starts, page requests and ends replayed
 * @param ticks controller ticks run (every {@code controller.interval} while a slot is allocated)
 * @param spilledBytes the sum over consumers of what they spilled
 * @param spilledConsumers consumers that spilled anything
 * @param failedConsumers consumers whose Flink request the pool refused: their task would fail
 * @param reclaimWaits plans that came out below Flink's: in the agent each waited up to the reclaim
 *     timeout for lent memory and was then sized down
 * @param reclaimShortfallBytes the sum of what those plans lacked
 * @param meanWasteBytes the source document's waste, the time-weighted mean of
 *     &Sigma;<sub>live i</sub> max(0, M<sub>i</sub> - R<sub>i</sub>) with M<sub>i</sub> the memory
 *     set aside for consumer i and R<sub>i</sub> its demand (a consumer that spills has
 *     M<sub>i</sub> &lt; R<sub>i</sub> and adds nothing; idle memory that is set aside for no
 *     consumer is not waste), over the time some consumer is live, per TaskManager
 * @param utilisation the time-weighted mean of held / total managed memory over the same time
 * @param peakBorrowedBytes the most any slot held beyond its share
 * @param invariantViolations checks after events and ticks where {@code checkInvariants()} found a
 *     fault or the slots held more than the TaskManager's total
 * @param firstViolation the first fault found, null when there was none
 */
public record SimulationResult(
        String policy,
        int consumers,
        long events,
        long ticks,
        long spilledBytes,
        int spilledConsumers,
        int failedConsumers,
        int reclaimWaits,
        long reclaimShortfallBytes,
        long meanWasteBytes,
        double utilisation,
        long peakBorrowedBytes,
        long invariantViolations,
        String firstViolation) {}
