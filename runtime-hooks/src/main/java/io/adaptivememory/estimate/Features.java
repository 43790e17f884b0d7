package io.adaptivememory.estimate;

/**
 * The feature vector every demand model sees, version 1: the source document's
 * {@code R = a*DataRate + b*OperatorComplexity + c*Parallelism}, with what is known when a
 * consumer's cap is decided (before it has read any input) and a little more.
 *
 * <table>
 *   <tr><th>index</th><th>name</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>{@code bias}</td><td>1</td></tr>
 *   <tr><td>1</td><td>{@code prev_input_mib}</td><td>DataRate: input bytes the same vertex and subtask
 *       read the last time it ran (MiB; 0 without history)</td></tr>
 *   <tr><td>2</td><td>{@code requested_mib}</td><td>OperatorComplexity: Flink's plan for the consumer,
 *       which carries the operator's managed-memory weight (MiB)</td></tr>
 *   <tr><td>3</td><td>{@code inv_parallelism}</td><td>Parallelism: 1 / the vertex's parallelism</td></tr>
 *   <tr><td>4</td><td>{@code prev_demand_mib}</td><td>the demand (peak + spilled) of the same vertex and
 *       subtask the last time (MiB; 0 without history)</td></tr>
 *   <tr><td>5</td><td>{@code has_previous}</td><td>1 when the two previous-run features are known</td></tr>
 * </table>
 *
 * The target is the consumer's demand in MiB ({@link io.adaptivememory.history.ConsumerRecord#demandBytes()}).
 * Offline training and the online estimator fill the vector with this one method, so a model
 * trained on history sees exactly what the agent gives it.
 */
public final class Features {

    public static final int VERSION = 1;
    public static final int SIZE = 6;
    public static final String NAMES =
            "bias,prev_input_mib,requested_mib,inv_parallelism,prev_demand_mib,has_previous";

    private static final double MIB = 1024.0 * 1024.0;

    private Features() {}

    /**
     * Fills {@code out[0..SIZE)}; a negative previous value means "no history". Allocates nothing.
     */
    public static void fill(double[] out, int parallelism, long requestedBytes, long prevInputBytes,
            long prevDemandBytes) {
        boolean previous = prevDemandBytes >= 0;
        out[0] = 1.0;
        out[1] = previous && prevInputBytes > 0 ? prevInputBytes / MIB : 0.0;
        out[2] = Math.max(0, requestedBytes) / MIB;
        out[3] = 1.0 / Math.max(1, parallelism);
        out[4] = previous ? prevDemandBytes / MIB : 0.0;
        out[5] = previous ? 1.0 : 0.0;
    }

    /** Bytes for a model output in MiB, never negative. */
    public static long bytes(double mib) {
        return mib <= 0 || Double.isNaN(mib) ? 0 : (long) Math.min(mib * MIB, Long.MAX_VALUE / 2);
    }
}
