package io.adaptivememory.estimate;

/**
 * A fitted demand model: {@link Features} in, demand in MiB out, with the spread of its errors on
 * data it was validated on. Implementations are immutable and allocate nothing per prediction, so
 * task threads may call them while a consumer's cap is decided.
 */
public interface DemandModel {

    /** Predicted demand in MiB for {@code features} (length {@link Features#SIZE}). */
    double predictMiB(double[] features);

    /** Root mean squared error on validation data, in MiB: the model's own uncertainty. */
    double residualMiB();
}
