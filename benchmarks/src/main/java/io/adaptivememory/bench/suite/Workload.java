package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.SessionCluster;

/**
 * One workload of the suite: a job (or a sequence of jobs) with fixed row counts, and the managed
 * memory per slot its oracle runs with.
 *
 * @param name the name in settings and reports
 * @param description the jobs and their row counts, for the report
 * @param skewed whether one slot needs far more than the others (the spill and oracle targets
 *     apply, and the zero-spill sweep covers it)
 * @param oracleSlotBytes managed memory per slot with which Flink's static split gives the hottest
 *     consumer all it needs (see {@link Workloads})
 * @param job runs the jobs and checks every result
 */
public record Workload(String name, String description, boolean skewed, long oracleSlotBytes, Job job) {

    /** Runs a workload's jobs on a cluster. */
    @FunctionalInterface
    public interface Job {
        /** Runs to completion; throws {@link WrongResultException} if any result is not the expected one. */
        void run(SessionCluster cluster) throws Exception;
    }

    /** A job's result differs from the one computed independently of Flink. */
    public static final class WrongResultException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public WrongResultException(String message) {
            super(message);
        }
    }
}
