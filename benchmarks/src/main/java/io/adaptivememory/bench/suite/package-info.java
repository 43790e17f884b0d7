/**
 * The workload suite: every benchmark workload under Flink's static split, the agent's
 * {@code fair} and {@code adaptive} policies and an oracle, on real standalone clusters, reported
 * as Markdown, CSV and charts. {@link io.adaptivememory.bench.suite.WorkloadSuite} explains the
 * method.
 */
package io.adaptivememory.bench.suite;
