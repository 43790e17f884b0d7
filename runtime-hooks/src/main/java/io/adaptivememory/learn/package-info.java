/**
 * The offline tools: build a data set from the agent's history, fit and select demand models
 * ({@code train}), score them against Flink's static plan and simple baselines on held-out runs
 * ({@code evaluate}), and recommend static Flink memory settings ({@code recommend}). Each command
 * is a class with {@code run(List<String> args, PrintStream out)} returning an exit code.
 */
package io.adaptivememory.learn;
