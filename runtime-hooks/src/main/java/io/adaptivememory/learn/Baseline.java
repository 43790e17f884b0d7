package io.adaptivememory.learn;

/**
 * The predictors a learned model must beat, each from what is known before the consumer runs.
 * Without a previous run of the key (vertex, kind, subtask), every one of them falls back to
 * Flink's request: the best a static configuration can know.
 */
public enum Baseline {
    /** Flink's static plan: the consumer's requested bytes (its share of the slot's managed memory). */
    FLINK_STATIC("flink-static") {
        @Override
        double predictBytes(Row row) {
            return row.record().requestedBytes();
        }
    },
    /** The key's demand in its previous run. */
    LAST_VALUE("last-value") {
        @Override
        double predictBytes(Row row) {
            return row.previous() == null ? row.record().requestedBytes() : row.previous().demandBytes();
        }
    },
    /** The EWMA ({@link #EWMA_ALPHA}) of the key's demand over its previous runs ({@link PreviousRuns}). */
    EWMA("ewma-0.5") {
        @Override
        double predictBytes(Row row) {
            return row.previous() == null ? row.record().requestedBytes() : row.previous().ewmaBytes(EWMA_ALPHA);
        }
    },
    /** The 95th percentile of the key's demand over its previous runs. */
    P95("p95") {
        @Override
        double predictBytes(Row row) {
            return row.previous() == null ? row.record().requestedBytes() : row.previous().percentileBytes(0.95);
        }
    };

    public static final double EWMA_ALPHA = 0.5;
    private static final double MIB = 1024.0 * 1024.0;

    private final String label;

    Baseline(String label) {
        this.label = label;
    }

    /** The name in reports. */
    public String label() {
        return label;
    }

    abstract double predictBytes(Row row);

    public double predictMiB(Row row) {
        return predictBytes(row) / MIB;
    }
}
