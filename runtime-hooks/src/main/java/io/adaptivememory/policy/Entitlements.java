package io.adaptivememory.policy;

import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies entitlement changes and logs each decision at debug level. */
final class Entitlements {

    private static final Logger LOG = LoggerFactory.getLogger("io.adaptivememory.decisions");

    private Entitlements() {}

    static void set(TaskManagerPool pool, SlotAccount slot, long limitBytes, String reason) {
        long before = slot.limitBytes();
        if (before == limitBytes) {
            return;
        }
        pool.setLimit(slot, limitBytes);
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
