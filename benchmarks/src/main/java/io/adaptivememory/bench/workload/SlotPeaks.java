package io.adaptivememory.bench.workload;

import io.adaptivememory.bench.cluster.Prometheus;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the agent's per-slot meters while a job runs, the way a Prometheus server scraping the
 * TaskManager would, and keeps each slot's highest reserved bytes and the pool's highest total.
 */
public final class SlotPeaks implements AutoCloseable {

    private final Prometheus prometheus;
    private final Map<Integer, Long> peakReserved = new ConcurrentHashMap<>();
    private final Map<Integer, Long> guarantee = new ConcurrentHashMap<>();
    private volatile long peakPoolReserved;
    private volatile long maxPoolTotal;
    private volatile boolean running = true;
    private final Thread thread;

    public SlotPeaks(Prometheus prometheus) {
        this.prometheus = prometheus;
        this.thread = new Thread(this::loop, "slot-peak-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public void sample() {
        List<Prometheus.Sample> samples = prometheus.scrape();
        for (Prometheus.Sample s : samples) {
            String slot = s.label("slot");
            switch (s.name()) {
                case "adaptive_memory_slot_reserved_peak_bytes":
                    peakReserved.merge(Integer.parseInt(slot), (long) s.value(), Math::max);
                    break;
                case "adaptive_memory_slot_guarantee_bytes":
                    guarantee.put(Integer.parseInt(slot), (long) s.value());
                    break;
                case "adaptive_memory_pool_reserved_bytes":
                    peakPoolReserved = Math.max(peakPoolReserved, (long) s.value());
                    break;
                case "adaptive_memory_pool_total_bytes":
                    maxPoolTotal = Math.max(maxPoolTotal, (long) s.value());
                    break;
                default:
            }
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
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        sample();
    }
}
