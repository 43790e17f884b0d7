package io.adaptivememory.flink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens when the agent itself goes wrong: the hook that failed lets Flink do what it
 * would have done without the agent, the first failure of each hook is logged with its stack
 * trace, and every failure is counted (meter {@code adaptive.memory.failopen}).
 */
public final class FailOpen {

    private static final Logger LOG = LoggerFactory.getLogger(FailOpen.class);
    private static final ConcurrentHashMap<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();
    private static final AtomicLong TOTAL = new AtomicLong();

    /** The hook named here throws on purpose; set only by the test-only fault switch. */
    private static volatile String injected;

    private FailOpen() {}

    public static void report(String hook, Throwable t) {
        TOTAL.incrementAndGet();
        AtomicLong count = COUNTS.computeIfAbsent(hook, h -> new AtomicLong());
        if (count.getAndIncrement() == 0) {
            LOG.warn(
                    "Flink Adaptive Memory: hook '{}' failed; Flink's own behaviour is used for this call "
                            + "(further failures of this hook are only counted in adaptive.memory.failopen)",
                    hook,
                    t);
        }
    }

    /** Throws when the test-only fault switch names this hook. */
    static void checkInjected(String hook) {
        String name = injected;
        if (name != null && (name.equals(hook) || name.equals("all"))) {
            throw new IllegalStateException("injected fault in " + hook);
        }
    }

    static void inject(String hook) {
        injected = hook == null || hook.isEmpty() ? null : hook;
    }

    public static long total() {
        return TOTAL.get();
    }

    public static long count(String hook) {
        AtomicLong c = COUNTS.get(hook);
        return c == null ? 0 : c.get();
    }
}
