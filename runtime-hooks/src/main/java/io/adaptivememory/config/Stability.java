package io.adaptivememory.config;

import java.util.concurrent.TimeUnit;

/**
 * How much the adaptive policy damps itself ({@code policy.Stabilizer}) and how often it retunes
 * what it lends ({@code policy.LendingTuner}); the values come from the {@code adaptive.memory.controller.*}
 * properties (docs/CONFIGURATION.md).
 *
 * @param holdNanos a reversal of a slot's entitlement waits this long after its last move
 * @param maxStepFraction the most one tick moves an entitlement, as a fraction of the pool
 * @param hysteresisBytes smaller moves are not made
 * @param oscillationLimit this many reversals within {@link #windowNanos()} pin a slot to its share; 0 never pins
 * @param tuningPeriodNanos how often the lending tuner looks at spills and waits; 0 turns it off
 */
public record Stability(
        long holdNanos, double maxStepFraction, long hysteresisBytes, int oscillationLimit, long tuningPeriodNanos) {

    public static final long DEFAULT_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    public static final double DEFAULT_MAX_STEP_FRACTION = 0.25;
    public static final long DEFAULT_HYSTERESIS_BYTES = 1L << 20;
    public static final int DEFAULT_OSCILLATION_LIMIT = 4;
    public static final long DEFAULT_TUNING_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The defaults a TaskManager runs with. */
    public static final Stability DEFAULT = new Stability(DEFAULT_HOLD_NANOS, DEFAULT_MAX_STEP_FRACTION,
            DEFAULT_HYSTERESIS_BYTES, DEFAULT_OSCILLATION_LIMIT, DEFAULT_TUNING_PERIOD_NANOS);

    /** No damping and no tuning: each tick sets exactly what the solver computed (tests and the offline replay's reference). */
    public static final Stability NONE = new Stability(0, 1.0, 0, 0, 0);

    /** Whether the stabilizer does anything (hysteresis, hold, a step below the whole pool or pinning). */
    public boolean enabled() {
        return holdNanos > 0 || hysteresisBytes > 0 || maxStepFraction < 1.0 || oscillationLimit > 0;
    }

    /** Reversals are counted within ten hold times. */
    public long windowNanos() {
        return 10 * holdNanos;
    }

    public long maxStepBytes(long poolBytes) {
        return Math.max(1, (long) (maxStepFraction * poolBytes));
    }
}
