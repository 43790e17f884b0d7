package io.adaptivememory.simulate;

/** Sums a replay's outcomes across events and TaskManagers; {@link #result} averages them. */
final class Tally {

    private int consumers;
    private long events;
    private long ticks;
    private long spilledBytes;
    private int spilledConsumers;
    private int failedConsumers;
    private int reclaimWaits;
    private long reclaimShortfallBytes;
    private double wasteByteMillis;
    private double heldByteMillis;
    private double totalByteMillis;
    private long busyMillis;
    private long peakBorrowedBytes;
    private long invariantViolations;
    private String firstViolation;

    void event() {
        events++;
    }

    void tick() {
        ticks++;
    }

    void reclaimWait(long shortfallBytes) {
        reclaimWaits++;
        reclaimShortfallBytes += shortfallBytes;
    }

    void ended(ReplayedConsumer consumer) {
        consumers++;
        spilledBytes += consumer.spilledBytes();
        if (consumer.spilledBytes() > 0) {
            spilledConsumers++;
        }
        if (consumer.failed()) {
            failedConsumers++;
        }
    }

    /** Adds {@code millis} of busy time during which the state below held. */
    void busy(long millis, long wasteBytes, long heldBytes, long totalBytes) {
        busyMillis += millis;
        wasteByteMillis += (double) wasteBytes * millis;
        heldByteMillis += (double) heldBytes * millis;
        totalByteMillis += (double) totalBytes * millis;
    }

    void borrowed(long bytes) {
        peakBorrowedBytes = Math.max(peakBorrowedBytes, bytes);
    }

    /** Records a check's outcome: null when the invariants held. */
    void checked(String violation) {
        if (violation != null) {
            invariantViolations++;
            if (firstViolation == null) {
                firstViolation = violation;
            }
        }
    }

    SimulationResult result(String policy) {
        return new SimulationResult(policy, consumers, events, ticks, spilledBytes, spilledConsumers,
                failedConsumers, reclaimWaits, reclaimShortfallBytes,
                busyMillis == 0 ? 0 : Math.round(wasteByteMillis / busyMillis),
                totalByteMillis == 0 ? 0 : heldByteMillis / totalByteMillis, peakBorrowedBytes,
                invariantViolations, firstViolation);
    }
}
