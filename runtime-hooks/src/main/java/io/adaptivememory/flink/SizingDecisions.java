package io.adaptivememory.flink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sizing decisions made on task threads, each logged at debug level with its reason. */
final class SizingDecisions {

    private static final Logger LOG = LoggerFactory.getLogger("io.adaptivememory.decisions");

    long lazyPlan(Governed g, long flinkBytes) {
        long planned = g.pool.lazyPlanBytes(g.slot, flinkBytes);
        if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: lazy consumer plans with {} bytes (Flink: {}; slot holds {}, entitlement {})",
                    g.pool.id(), g.slot, planned, flinkBytes, g.slot.heldBytes(), g.slot.limitBytes());
        }
        return planned;
    }

    long eagerPlan(Governed g, long flinkBytes, long minimumBytes) {
        long planned = g.pool.earmarkPlanBytes(g.slot, flinkBytes, minimumBytes);
        if (planned < flinkBytes) {
            LOG.warn("pool {} {}: eager consumer planned with {} of Flink's {} bytes because memory this slot "
                            + "lent has not come back within the reclaim timeout",
                    g.pool.id(), g.slot, planned, flinkBytes);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: eager consumer's {} bytes earmarked (slot holds {})",
                    g.pool.id(), g.slot, flinkBytes, g.slot.heldBytes());
        }
        return planned;
    }

    void deniedPage(Governed g, int pagesInUse) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: lazy consumer with {} pages told 'no page' (spills); slot holds {}, entitlement {}, pool unclaimed {}",
                    g.pool.id(), g.slot, pagesInUse, g.slot.heldBytes(), g.slot.limitBytes(), g.pool.slackBytes());
        }
    }
}
