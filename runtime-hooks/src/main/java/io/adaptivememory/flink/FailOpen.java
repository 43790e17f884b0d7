package io.adaptivememory.flink;

import io.adaptivememory.pool.TaskManagerPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What happens when the agent itself goes wrong: the hook that failed lets Flink do what it
 * would have done without the agent, the first failure of each hook is logged with its stack
 * trace, and every failure is counted per hook (meter {@code adaptive.memory.failopen}, tag
 * {@code hook}).
 *
 * <p>The test-only fault switch ({@code adaptive.memory.test.inject-fault=<hook>|all}) makes the
 * named hooks throw where their work starts, so tests can prove that each one fails open.
 */
public final class FailOpen {

    private static final Logger LOG = LoggerFactory.getLogger(FailOpen.class);
    private static final Hook[] HOOKS = Hook.values();
    private static final AtomicLongArray COUNTS = new AtomicLongArray(HOOKS.length);
    /** Injected hooks by ordinal; null when the switch is off (always, outside tests). */
    private static volatile boolean[] injected;

    private FailOpen() {}

    public static void report(Hook hook, Throwable t) {
        if (COUNTS.getAndIncrement(hook.ordinal()) == 0) {
            LOG.warn(
                    "Flink Adaptive Memory: hook '{}' failed; Flink's own behaviour is used for this call "
                            + "(further failures of this hook are only counted in adaptive.memory.failopen)",
                    hook.id(),
                    t);
        }
    }

    /**
     * As {@link #report}, for a failure after which the pool's picture is incomplete (bytes it does
     * not see, a plan nothing was set aside for): the pool stops lending for good, so every slot is
     * held to Flink's static share again. Loans already out come back as their borrowers finish.
     */
    static void reportUntrusted(Hook hook, Throwable t, TaskManagerPool pool) {
        report(hook, t);
        if (pool != null && pool.stopLending()) {
            LOG.warn("Flink Adaptive Memory: pool {} stops lending for good after hook '{}' failed; every slot keeps "
                    + "to its static share (adaptive.memory.lending.stopped)", pool.id(), hook.id());
        }
    }

    /** Throws when the test-only fault switch names this hook. */
    static void checkInjected(Hook hook) {
        boolean[] on = injected;
        if (on != null && on[hook.ordinal()]) {
            throw new IllegalStateException("injected fault in " + hook.id());
        }
    }

    /**
     * Sets the fault switch: a hook id, {@code all}, or empty for off. Returns a problem to log
     * when the name is not a hook (the switch is then off).
     */
    static String inject(String hooks) {
        if (hooks == null || hooks.isEmpty()) {
            injected = null;
            return null;
        }
        boolean[] on = new boolean[HOOKS.length];
        for (Hook h : HOOKS) {
            on[h.ordinal()] = hooks.equals("all") || hooks.equals(h.id());
        }
        for (boolean b : on) {
            if (b) {
                injected = on;
                LOG.warn("Flink Adaptive Memory: TEST-ONLY fault injection is on for hook(s) '{}'", hooks);
                return null;
            }
        }
        injected = null;
        return String.format(Locale.ROOT, "adaptive.memory.test.inject-fault='%s' is invalid: expected a hook "
                + "name or 'all'; fault injection stays off", hooks);
    }

    public static long total() {
        long sum = 0;
        for (int i = 0; i < COUNTS.length(); i++) {
            sum += COUNTS.get(i);
        }
        return sum;
    }

    public static long count(Hook hook) {
        return COUNTS.get(hook.ordinal());
    }
}
