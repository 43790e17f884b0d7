/**
 * JMH microbenchmarks of the paths the agent hooks, each run twice by {@link
 * io.adaptivememory.bench.jmh.AgentOffOn}: once in plain forks and once in forks started with
 * {@code -javaagent:adaptive-memory-agent.jar}, with every other option equal. Nothing here
 * links against the agent; the benchmarks only check, through reflection, that the agent-on
 * forks really went through its pool. Results and how to reproduce them: docs/BENCHMARKS.md.
 */
package io.adaptivememory.bench.jmh;
