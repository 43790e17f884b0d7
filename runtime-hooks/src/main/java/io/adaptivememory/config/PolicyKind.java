package io.adaptivememory.config;

import java.util.Locale;

/** The allocation policies a TaskManager can run, chosen with {@code -Dadaptive.memory.policy}. */
public enum PolicyKind {
    /** Exactly Flink's behaviour: every slot gets its static share and nothing is lent (the A/B baseline). */
    STATIC,
    /** Spark's rule: each active slot may hold up to 1/N of the pool, N = slots with running consumers. */
    FAIR,
    /** Entitlements from the local demand estimator, adjusted by the controller (the default). */
    ADAPTIVE;

    /** The spelling used in properties, logs and meter tags. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
