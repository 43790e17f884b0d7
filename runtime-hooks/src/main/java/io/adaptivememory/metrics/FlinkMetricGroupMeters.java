package io.adaptivememory.metrics;

import io.adaptivememory.control.HeadroomGuard;
import io.adaptivememory.flink.FailOpen;
import io.adaptivememory.flink.SpillAccounting;
import io.adaptivememory.pool.PoolStatistics;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent's meters in the TaskManager's own Flink metric group, so that they show in Flink's
 * web UI (Task Managers, Metrics) and reach whatever metric reporter the cluster already runs
 * (Prometheus, JMX, ...). Same {@link MeterCatalog} as the Micrometer meters, named the Flink way:
 * under the groups {@code adaptive.memory}, pool meters in the group {@code pool}, slot meters in
 * the key-value group {@code slot=<index>}, the rest of the name in camel case. So
 * {@code adaptive.memory.slot.reserved.peak} of slot 2 is {@code adaptive.memory.slot.2.reservedPeak}
 * in the web UI and {@code flink_taskmanager_adaptive_memory_slot_reservedPeak{slot="2"}} from
 * Flink's Prometheus reporter. Flink gauges carry no unit: memory is in bytes.
 *
 * <p>Flink cannot unregister a single metric, so a slot index's gauges are registered the first
 * time a slot gets that index and read whichever slot holds the index (0 while none does). Slots
 * take the lowest free index, so there are never more groups than slots at once.
 */
final class FlinkMetricGroupMeters {

    private static final String PREFIX = "adaptive.memory.";

    private final TaskManagerPool pool;
    private final MetricGroup root;
    private final Set<Integer> boundIndexes = new HashSet<>();

    FlinkMetricGroupMeters(TaskManagerPool pool, MetricGroup taskManagerGroup, SpillAccounting spill,
            HeadroomGuard headroom, Learning learning) {
        this.pool = pool;
        this.root = taskManagerGroup.addGroup("adaptive").addGroup("memory");
        MetricGroup poolGroup = root.addGroup("pool");
        for (MeterCatalog.PoolMeter m : MeterCatalog.POOL) {
            String rest = m.name().substring(PREFIX.length());
            boolean inPool = rest.startsWith("pool.");
            register(inPool ? poolGroup : root, inPool ? rest.substring("pool.".length()) : rest,
                    () -> (long) m.value().applyAsDouble(pool));
        }
        PoolStatistics s = pool.statistics();
        register(root, "reclaimWaits", s::reclaimWaits);
        register(root, "reclaimWaitMillis", () -> TimeUnit.NANOSECONDS.toMillis(s.reclaimWaitNanos()));
        register(root, MeterCatalog.FAILOPEN.substring(PREFIX.length()), FailOpen::total);
        for (MeterCatalog.GlobalMeter g : MeterCatalog.GLOBAL) {
            register(root, g.name().substring(PREFIX.length()), () -> (long) g.value().applyAsDouble(spill));
        }
        if (headroom != null) {
            for (MeterCatalog.HeadroomMeter h : MeterCatalog.HEADROOM) {
                register(root, h.name().substring(PREFIX.length()), () -> (long) h.value().applyAsDouble(headroom));
            }
        }
        if (learning != null) {
            for (MeterCatalog.LearningMeter l : MeterCatalog.LEARNING) {
                register(root, l.name().substring(PREFIX.length()), () -> (long) l.value().applyAsDouble(learning));
            }
        }
    }

    /** Registers the gauges of the slot's index unless an earlier slot with that index did. */
    void bindSlot(SlotAccount slot) {
        int index = slot.index();
        if (!boundIndexes.add(index)) {
            return;
        }
        MetricGroup group = root.addGroup("slot", String.valueOf(index));
        for (MeterCatalog.SlotMeter m : MeterCatalog.SLOT) {
            register(group, m.name().substring((PREFIX + "slot.").length()), () -> {
                SlotAccount now = slotAt(index);
                return now == null ? 0L : (long) m.value().of(pool, now);
            });
        }
    }

    private SlotAccount slotAt(int index) {
        for (SlotAccount s : pool.slots()) {
            if (s.index() == index) {
                return s;
            }
        }
        return null;
    }

    private static void register(MetricGroup group, String dottedName, Gauge<Long> gauge) {
        group.gauge(camelCase(dottedName), gauge);
    }

    /** {@code loans.denied} -> {@code loansDenied}. */
    static String camelCase(String dotted) {
        StringBuilder b = new StringBuilder(dotted.length());
        boolean upper = false;
        for (char c : dotted.toCharArray()) {
            if (c == '.') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
