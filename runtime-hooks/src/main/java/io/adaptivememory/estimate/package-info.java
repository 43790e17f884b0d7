/**
 * Demand estimation: the feature vector, fitted models and the online estimator that predicts a
 * consumer's managed-memory demand when its cap is decided.
 */
package io.adaptivememory.estimate;
