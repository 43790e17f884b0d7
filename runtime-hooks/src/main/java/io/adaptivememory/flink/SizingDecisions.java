package io.adaptivememory.flink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sizing decisions made on task threads, each logged at debug level with its reason. */
final class SizingDecisions {

    private static final Logger LOG = LoggerFactory.getLogger("io.adaptivememory.decisions");

    long sorterPlan(Governed g, long flinkBytes) {
        long planned = g.pool.lazyPlanBytes(g.slot, flinkBytes);
        if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: sorter plans with {} bytes (Flink: {}; slot holds {}, entitlement {})",
                    g.pool.id(), g.slot, planned, flinkBytes, g.slot.heldBytes(), g.slot.limitBytes());
        }
        return planned;
    }

    long plan(Governed g, long flinkBytes, long minimumBytes, boolean wholePlan) {
        long planned = g.pool.earmarkPlanBytes(g.slot, flinkBytes, minimumBytes, wholePlan);
        if (planned < flinkBytes) {
            LOG.warn("pool {} {}: consumer planned with {} of Flink's {} bytes because memory this slot "
                            + "lent has not come back within the reclaim timeout",
                    g.pool.id(), g.slot, planned, flinkBytes);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: consumer's {} bytes earmarked (slot holds {})",
                    g.pool.id(), g.slot, flinkBytes, g.slot.heldBytes());
        }
        return planned;
    }

    /** A hash table's or eager sorter's plan from grant feedback ({@code wantedBytes}; -1: none, Flink's plan earmarked whole). */
    long feedbackPlan(Governed g, long flinkBytes, long wantedBytes, long minimumBytes) {
        if (wantedBytes < 0) {
            return plan(g, flinkBytes, minimumBytes, true);
        }
        long planned = g.pool.feedbackPlanBytes(g.slot, flinkBytes, wantedBytes, minimumBytes);
        if (LOG.isDebugEnabled()) {
            LOG.debug("pool {} {}: consumer plans with {} bytes from grant feedback (Flink: {}; its earlier runs: {}; "
                            + "slot holds {}, entitlement {})",
                    g.pool.id(), g.slot, planned, flinkBytes, wantedBytes, g.slot.heldBytes(), g.slot.limitBytes());
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
