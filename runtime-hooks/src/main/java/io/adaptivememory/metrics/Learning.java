package io.adaptivememory.metrics;

import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.history.ConsumerTracker;
import io.adaptivememory.history.HistoryRecorder;

/** What the learning meters read: the consumer tracker, the history thread and the estimator (null when off). */
record Learning(ConsumerTracker consumers, HistoryRecorder history, DemandEstimator estimator, boolean modelLoaded) {}
