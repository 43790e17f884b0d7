package io.adaptivememory.metrics;

import io.adaptivememory.config.Settings;
import io.adaptivememory.flink.FailOpen;
import io.adaptivememory.flink.SpillAccounting;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The agent's meters and where they are exported: a Prometheus endpoint when
 * {@code adaptive.memory.metrics.prometheus.port} is set, JMX when
 * {@code adaptive.memory.metrics.jmx.enabled=true}. Pool and slot meters come and go with
 * TaskManagers and slot allocations (see {@link PoolMeters}); docs/METRICS.md lists them all.
 */
public final class AdaptiveMemoryMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveMemoryMetrics.class);

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Map<TaskManagerPool, PoolMeters> pools = new IdentityHashMap<>();
    private PrometheusEndpoint endpoint;
    private JmxMeterRegistry jmx;

    private AdaptiveMemoryMetrics() {}

    /** Creates the registries the settings ask for; a failing exporter is logged and left out. */
    public static AdaptiveMemoryMetrics start(Settings settings, SpillAccounting spill) {
        AdaptiveMemoryMetrics m = new AdaptiveMemoryMetrics();
        if (settings.prometheusPort() >= 0) {
            try {
                PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                m.endpoint = PrometheusEndpoint.start(prometheus, settings.prometheusHost(), settings.prometheusPort());
                m.registry.add(prometheus);
                LOG.info("Flink Adaptive Memory metrics: Prometheus endpoint on http://{}:{}/metrics",
                        settings.prometheusHost(), m.endpoint.port());
            } catch (Exception e) {
                LOG.error("Flink Adaptive Memory metrics: could not open the Prometheus endpoint on {}:{} ({}={}); "
                                + "continuing without it",
                        settings.prometheusHost(), settings.prometheusPort(), Settings.PROMETHEUS_PORT,
                        settings.prometheusPort(), e);
            }
        }
        if (settings.jmxEnabled()) {
            m.jmx = new JmxMeterRegistry(JmxConfig.DEFAULT, Clock.SYSTEM);
            m.registry.add(m.jmx);
            LOG.info("Flink Adaptive Memory metrics: JMX domain 'metrics'");
        }
        FunctionCounter.builder("adaptive.memory.failopen", FailOpen.class, c -> FailOpen.total())
                .description("Internal failures of the agent; each made Flink behave as without the agent")
                .register(m.registry);
        FunctionCounter.builder("adaptive.memory.spilled", spill, SpillAccounting::spilledBytes)
                .description("Bytes Flink's operators spilled to disk (sort runs, hash partitions)")
                .baseUnit("bytes")
                .register(m.registry);
        FunctionCounter.builder("adaptive.memory.spill.files", spill, SpillAccounting::spilledFiles)
                .description("Spill files Flink's operators wrote")
                .baseUnit("files")
                .register(m.registry);
        return m;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus endpoint's bound port, or -1. */
    public int prometheusPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    public synchronized void bindPool(TaskManagerPool pool) {
        pools.put(pool, new PoolMeters(registry, pool));
    }

    public synchronized void unbindPool(TaskManagerPool pool) {
        PoolMeters meters = pools.remove(pool);
        if (meters != null) {
            meters.close();
        }
    }

    public synchronized void bindSlot(TaskManagerPool pool, SlotAccount slot) {
        PoolMeters meters = pools.get(pool);
        if (meters != null) {
            meters.bindSlot(slot);
        }
    }

    public synchronized void unbindSlot(TaskManagerPool pool, SlotAccount slot) {
        PoolMeters meters = pools.get(pool);
        if (meters != null) {
            meters.unbindSlot(slot);
        }
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (jmx != null) {
            jmx.close();
        }
        registry.close();
    }
}
