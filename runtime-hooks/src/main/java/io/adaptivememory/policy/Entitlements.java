package io.adaptivememory.policy;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies entitlement changes and logs each decision at debug level. SLF4J is on every
 * TaskManager's class path; the offline simulator ({@code java -jar adaptive-memory-agent.jar
 * simulate}) runs the same policies without it, so the logger lives in a holder class that is
 * only loaded when SLF4J is there.
 */
final class Entitlements {

    private static final boolean LOGGING = slf4jPresent();

    private Entitlements() {}

    static void set(TaskManagerPool pool, SlotAccount slot, long limitBytes, String reason) {
        long before = slot.limitBytes();
        if (before == limitBytes) {
            return;
        }
        pool.setLimit(slot, limitBytes);
        if (LOGGING) {
            DecisionLog.changed(pool, slot, before, limitBytes, reason);
        }
    }

    /** Logs, once per slot, that the stabilizer pinned it to its static share. */
    static void pinned(TaskManagerPool pool, SlotAccount slot, int reversals, long windowNanos) {
        if (LOGGING) {
            DecisionLog.pinned(pool, slot, reversals, windowNanos);
        }
    }

    private static boolean slf4jPresent() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, Entitlements.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    private static final class DecisionLog {
        private static final Logger LOG = LoggerFactory.getLogger("io.adaptivememory.decisions");

        static void pinned(TaskManagerPool pool, SlotAccount slot, int reversals, long windowNanos) {
            LOG.info("pool {} {}: its entitlement reversed direction {} times within {} ms; it keeps its static "
                            + "share ({} bytes) for the rest of its allocation",
                    pool.id(), slot, reversals, windowNanos / 1_000_000, slot.guaranteeBytes());
        }

        static void changed(TaskManagerPool pool, SlotAccount slot, long before, long limitBytes, String reason) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "pool {} {}: entitlement {} -> {} bytes ({}; holds {}, guarantee {})",
                        pool.id(),
                        slot,
                        before,
                        limitBytes,
                        reason,
                        slot.heldBytes(),
                        slot.guaranteeBytes());
            }
        }
    }
}
