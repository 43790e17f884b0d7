/**
 * Demand estimation: the feature vector, fitted models and the online estimator that predicts a
 * consumer's managed-memory demand when its cap is decided.
 *
 * <p>{@link io.adaptivememory.estimate.DemandEstimator} is the online estimator and states its
 * rule; {@link io.adaptivememory.estimate.RecursiveLeastSquares} and
 * {@link io.adaptivememory.estimate.DemandPercentile} are its two per-key predictors.
 */
package io.adaptivememory.estimate;
