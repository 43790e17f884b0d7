package io.adaptivememory.bench.jmh;

import java.lang.management.ManagementFactory;

/**
 * Whether the agent is attached to this JVM and what its pools saw, read through reflection so
 * that this module never links against the agent (its classes exist only in forks started with
 * {@code -javaagent}, on the system class path). Benchmarks call {@link #check} in set-up and
 * tear-down so that an agent-on fork which did not really go through the pool fails instead of
 * silently measuring Flink alone, and an agent-off fork fails if an agent is active anyway.
 */
final class AgentProbe {

    private static final String AGENT_JAR = "adaptive-memory-agent";
    private static final Class<?> RUNTIME = agentClass("io.adaptivememory.flink.AgentRuntime");
    private static final Class<?> FAIL_OPEN = agentClass("io.adaptivememory.flink.FailOpen");

    /** The agent's view of this JVM's pools, summed over all pools and slots. */
    record PoolState(
            int pools,
            int slots,
            long peakReservedBytes,
            long heldBytes,
            long accountingErrors,
            long failOpen,
            String invariantViolation) {

        @Override
        public String toString() {
            return pools + " pool(s), " + slots + " governed slot(s), peak reserved " + peakReservedBytes
                    + " bytes, held " + heldBytes + " bytes, accounting errors " + accountingErrors + ", fail-open "
                    + failOpen + ", invariants " + (invariantViolation == null ? "hold" : invariantViolation);
        }
    }

    private AgentProbe() {}

    /** Whether this JVM was started with {@code -javaagent:...adaptive-memory-agent...}. */
    static boolean agentRequested() {
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-javaagent:") && argument.contains(AGENT_JAR)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks that this fork measures what it claims to and describes it. Without the agent, no
     * agent runtime may exist. With it, exactly one pool with one governed slot must exist, the
     * slot must have reserved at least {@code bytesPerOperation} through the pool (so call this
     * after at least one operation), hold nothing between operations, and nothing may have
     * failed open or broken an invariant.
     */
    static String check(String when, long bytesPerOperation) throws ReflectiveOperationException {
        PoolState state = poolState();
        if (!agentRequested()) {
            if (state != null) {
                throw new IllegalStateException("agent-off fork, but an agent runtime is active: " + state);
            }
            return "agent off, " + when + ": the slot's budget is Flink's own UnsafeMemoryBudget";
        }
        if (state == null
                || state.pools() != 1
                || state.slots() != 1
                || state.peakReservedBytes() < bytesPerOperation
                || state.heldBytes() != 0
                || state.accountingErrors() != 0
                || state.failOpen() != 0
                || state.invariantViolation() != null) {
            throw new IllegalStateException("agent-on fork, " + when + ": the slot's pages did not go through a pool "
                    + "cleanly (expected 1 pool, 1 governed slot, a peak of at least " + bytesPerOperation
                    + " bytes, nothing held, no errors), found "
                    + (state == null ? "no agent runtime (see the agent's log lines above)" : state));
        }
        return "agent on, " + when + ": " + state;
    }

    /** The agent's pools, or null when no agent runtime exists in this JVM. */
    static PoolState poolState() throws ReflectiveOperationException {
        Object runtime = RUNTIME == null ? null : RUNTIME.getMethod("current").invoke(null);
        if (runtime == null) {
            return null;
        }
        Object[] pools = (Object[]) call(runtime, "pools");
        int slots = 0;
        long peak = 0;
        long held = 0;
        long errors = 0;
        String violation = null;
        for (Object pool : pools) {
            String v = (String) call(pool, "checkInvariants");
            violation = violation == null ? v : violation;
            errors += (long) call(call(pool, "statistics"), "accountingErrors");
            for (Object slot : (Object[]) call(pool, "slots")) {
                slots++;
                peak = Math.max(peak, (long) call(slot, "peakReservedBytes"));
                held += (long) call(slot, "heldBytes");
            }
        }
        long failOpen = (long) FAIL_OPEN.getMethod("total").invoke(null);
        return new PoolState(pools.length, slots, peak, held, errors, failOpen, violation);
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return target.getClass().getMethod(method).invoke(target);
    }

    private static Class<?> agentClass(String name) {
        try {
            return Class.forName(name, true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException absent) {
            return null;
        }
    }
}
