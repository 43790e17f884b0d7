package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerRecord;

/**
 * What the simulator tells the pool a consumer will need when it starts, as the agent's online
 * estimator would: the simulator feeds the sum over a slot's live consumers to
 * {@link io.adaptivememory.pool.TaskManagerPool#setPredictedDemand}.
 */
@FunctionalInterface
public interface DemandPredictor {

    /** Predicted demand of the consumer in bytes, or -1 for no prediction. */
    long predictBytes(ConsumerRecord record);

    /**
     * What the agent protected for the consumer: its recorded estimate plus margin
     * ({@code predicted_upper_bytes}).
     */
    static DemandPredictor recorded() {
        return ConsumerRecord::predictedUpperBytes;
    }

    /** The consumer's true demand: an upper bound on what any estimator can achieve. */
    static DemandPredictor oracle() {
        return ConsumerRecord::demandBytes;
    }
}
