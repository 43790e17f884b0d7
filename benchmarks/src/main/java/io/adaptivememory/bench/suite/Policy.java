package io.adaptivememory.bench.suite;

import java.util.Locale;

/**
 * How the TaskManager's managed memory is split. The agent is attached under every policy, so its
 * meters measure all of them alike; {@code static} is Flink's own split with the agent only
 * watching.
 */
public enum Policy {
    STATIC("static"),
    FAIR("fair"),
    ADAPTIVE("adaptive"),
    /** Static, on slots each big enough for the workload's hottest consumer ({@link Workload#oracleSlotBytes()}). */
    ORACLE("static");

    private final String agentPolicy;

    Policy(String agentPolicy) {
        this.agentPolicy = agentPolicy;
    }

    /** The value of the agent's {@code adaptive.memory.policy} on the TaskManager. */
    public String agentPolicy() {
        return agentPolicy;
    }

    /** The name in settings and reports: {@code static}, {@code fair}, {@code adaptive}, {@code oracle}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Policy of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
