package io.adaptivememory.estimate;

/**
 * A caller-owned, reusable result of {@link DemandEstimator#estimate}: filled in place, so an
 * estimate allocates nothing. One holder per thread; it also carries that thread's feature scratch.
 */
public final class Estimate {

    /** Where an estimate came from, in the order {@link DemandEstimator} tries them. */
    public enum Source {
        /** The (vertex, kind) key's own history. */
        KEY,
        /** The offline-trained model for the kind. */
        PRIOR,
        /** The history of every vertex of the kind on this TaskManager. */
        KIND,
        /** Nothing to go on: the agent behaves as without an estimator. */
        NONE
    }

    /** The feature vector of the last estimate; scratch of the estimating thread. */
    final double[] features = new double[Features.SIZE];
    private long demandBytes = -1;
    private long uncertaintyBytes = -1;
    private long upperBoundBytes = -1;
    private Source source = Source.NONE;

    /** Predicted demand (peak held plus spilled); -1 without an estimate. */
    public long demandBytes() {
        return demandBytes;
    }

    /** One standard deviation of the prediction's error; -1 without an estimate. */
    public long uncertaintyBytes() {
        return uncertaintyBytes;
    }

    /**
     * {@code demand + z * uncertainty}: what to protect when unsure ("lend less when unsure");
     * -1 without an estimate.
     */
    public long upperBoundBytes() {
        return upperBoundBytes;
    }

    public Source source() {
        return source;
    }

    public boolean present() {
        return source != Source.NONE;
    }

    void set(Source source, long demandBytes, long uncertaintyBytes, double zScore) {
        this.source = source;
        this.demandBytes = demandBytes;
        this.uncertaintyBytes = uncertaintyBytes;
        // The cast saturates at Long.MAX_VALUE.
        this.upperBoundBytes = (long) Math.ceil(demandBytes + zScore * uncertaintyBytes);
    }

    void clear() {
        source = Source.NONE;
        demandBytes = -1;
        uncertaintyBytes = -1;
        upperBoundBytes = -1;
    }

    @Override
    public String toString() {
        return source + "{demand=" + demandBytes + ", uncertainty=" + uncertaintyBytes
                + ", upper=" + upperBoundBytes + "}";
    }
}
