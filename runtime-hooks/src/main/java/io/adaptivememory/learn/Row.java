package io.adaptivememory.learn;

import io.adaptivememory.history.ConsumerRecord;

/**
 * One consumer record ready for learning.
 *
 * @param features its {@link io.adaptivememory.estimate.Features} vector
 * @param demandMiB the target: {@link ConsumerRecord#demandBytes()} in MiB
 * @param previous the same key's earlier runs, newest first, or null when it has none
 */
public record Row(ConsumerRecord record, double[] features, double demandMiB, PreviousRuns previous) {}
