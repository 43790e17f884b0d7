package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.Prometheus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the agent's per-slot meters while a job runs, the way a Prometheus server scraping the
 * TaskManager would, and keeps each slot's highest reserved bytes, the pool's highest total and
 * each slot's reserved bytes over time.
 * The meters are read either from the agent's own endpoint or from Flink's Prometheus reporter
 * (the agent's meters in the TaskManager's Flink metric group), named as each exports them.
 */
public final class SlotPeaks extends PeriodicSampler {

    /** How an endpoint names the meters read here. */
    public record MeterNames(
            String slotReserved, String slotReservedPeak, String slotGuarantee, String poolReserved, String poolTotal) {}

    /** Each slot's reserved bytes at one moment, {@code millis} after sampling started. */
    public record Point(long millis, Map<Integer, Long> reservedBySlot) {}

    public static final MeterNames AGENT = new MeterNames(
            "adaptive_memory_slot_reserved_bytes", "adaptive_memory_slot_reserved_peak_bytes", "adaptive_memory_slot_guarantee_bytes",
            "adaptive_memory_pool_reserved_bytes", "adaptive_memory_pool_total_bytes");

    public static final MeterNames FLINK_REPORTER = new MeterNames(
            "flink_taskmanager_adaptive_memory_slot_reserved", "flink_taskmanager_adaptive_memory_slot_reservedPeak", "flink_taskmanager_adaptive_memory_slot_guarantee",
            "flink_taskmanager_adaptive_memory_pool_reserved", "flink_taskmanager_adaptive_memory_pool_total");

    private final Prometheus prometheus;
    private final MeterNames names;
    private final Map<Integer, Long> peakReserved = new ConcurrentHashMap<>();
    private final Map<Integer, Long> guarantee = new ConcurrentHashMap<>();
    private final Set<String> seenNames = ConcurrentHashMap.newKeySet();
    private final List<Point> timeline = Collections.synchronizedList(new ArrayList<>());
    private final long startNanos = System.nanoTime();
    private volatile long peakPoolReserved;
    private volatile long maxPoolTotal;

    public SlotPeaks(Prometheus prometheus) {
        this(prometheus, AGENT);
    }

    public SlotPeaks(Prometheus prometheus, MeterNames names) {
        super("slot-peak-sampler", 100);
        this.prometheus = prometheus;
        this.names = names;
        start();
    }

    @Override
    public void sample() {
        List<Prometheus.Sample> samples = Prometheus.newestPool(prometheus.scrape());
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        Map<Integer, Long> reserved = new TreeMap<>();
        for (Prometheus.Sample s : samples) {
            String slot = s.label("slot");
            String name = s.name();
            seenNames.add(name);
            if (name.equals(names.slotReserved())) {
                reserved.put(Integer.parseInt(slot), (long) s.value());
            } else if (name.equals(names.slotReservedPeak())) {
                peakReserved.merge(Integer.parseInt(slot), (long) s.value(), Math::max);
            } else if (name.equals(names.slotGuarantee())) {
                guarantee.put(Integer.parseInt(slot), (long) s.value());
            } else if (name.equals(names.poolReserved())) {
                peakPoolReserved = Math.max(peakPoolReserved, (long) s.value());
            } else if (name.equals(names.poolTotal())) {
                maxPoolTotal = Math.max(maxPoolTotal, (long) s.value());
            }
        }
        timeline.add(new Point(millis, reserved));
    }

    /** The name of every series any scrape so far returned. */
    public Set<String> seenNames() {
        return Set.copyOf(seenNames);
    }

    /** Every sample so far, oldest first. */
    public List<Point> timeline() {
        synchronized (timeline) {
            return List.copyOf(timeline);
        }
    }

    public Map<Integer, Long> peakReservedBySlot() {
        return new TreeMap<>(peakReserved);
    }

    public Map<Integer, Long> guaranteeBySlot() {
        return new TreeMap<>(guarantee);
    }

    public long hottestSlotPeak() {
        return peakReserved.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public long peakPoolReserved() {
        return peakPoolReserved;
    }

    public long poolTotal() {
        return maxPoolTotal;
    }

    @Override
    protected String source() {
        return prometheus.uri().toString();
    }
}
