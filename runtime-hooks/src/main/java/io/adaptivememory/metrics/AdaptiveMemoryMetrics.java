package io.adaptivememory.metrics;

import io.adaptivememory.config.Settings;
import io.adaptivememory.control.HeadroomGuard;
import io.adaptivememory.flink.FailOpen;
import io.adaptivememory.flink.Hook;
import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.estimate.Estimate;
import io.adaptivememory.flink.SpillAccounting;
import io.adaptivememory.history.ConsumerTracker;
import io.adaptivememory.history.HistoryRecorder;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The agent's meters and where they are exported: a Prometheus endpoint when
 * {@code adaptive.memory.metrics.prometheus.port} is set, JMX when
 * {@code adaptive.memory.metrics.jmx.enabled=true}. Pool and slot meters come and go with
 * TaskManagers and slot allocations (see {@link PoolMeters}); the same meters also go into the
 * TaskManager's Flink metric group when the agent sees it created (see
 * {@link FlinkMetricGroupMeters}). docs/METRICS.md lists them all.
 */
public final class AdaptiveMemoryMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveMemoryMetrics.class);

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Map<TaskManagerPool, PoolMeters> pools = new IdentityHashMap<>();
    private final Map<TaskManagerPool, FlinkMetricGroupMeters> flinkGroups = new IdentityHashMap<>();
    private final SpillAccounting spill;
    private HeadroomGuard headroom;
    private Learning learning;
    private PrometheusEndpoint endpoint;
    private JmxMeterRegistry jmx;

    private AdaptiveMemoryMetrics(SpillAccounting spill) {
        this.spill = spill;
    }

    /** Creates the registries the settings ask for; a failing exporter is logged and left out. */
    public static AdaptiveMemoryMetrics start(Settings settings, SpillAccounting spill) {
        AdaptiveMemoryMetrics m = new AdaptiveMemoryMetrics(spill);
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
        for (Hook hook : Hook.values()) {
            FunctionCounter.builder(MeterCatalog.FAILOPEN, hook, FailOpen::count)
                    .description(MeterCatalog.FAILOPEN_DESCRIPTION)
                    .tag("hook", hook.id())
                    .register(m.registry);
        }
        for (MeterCatalog.GlobalMeter g : MeterCatalog.GLOBAL) {
            FunctionCounter.builder(g.name(), spill, g.value())
                    .description(g.description())
                    .baseUnit(g.unit())
                    .register(m.registry);
        }
        return m;
    }

    /** Registers the native headroom guard's meters (JVM-wide). */
    public synchronized void bindHeadroom(HeadroomGuard guard) {
        this.headroom = guard;
        for (MeterCatalog.HeadroomMeter m : MeterCatalog.HEADROOM) {
            if (m.kind() == MeterCatalog.Kind.GAUGE) {
                Gauge.builder(m.name(), guard, m.value()).description(m.description()).baseUnit(m.unit())
                        .strongReference(true).register(registry);
            } else {
                FunctionCounter.builder(m.name(), guard, m.value()).description(m.description()).baseUnit(m.unit())
                        .register(registry);
            }
        }
    }

    /** Registers the history's and the estimator's meters (JVM-wide); {@code estimator} may be null. */
    public synchronized void bindLearning(ConsumerTracker consumers, HistoryRecorder history,
            DemandEstimator estimator, boolean modelLoaded) {
        this.learning = new Learning(consumers, history, estimator, modelLoaded);
        for (MeterCatalog.LearningMeter m : MeterCatalog.LEARNING) {
            if (m.kind() == MeterCatalog.Kind.GAUGE) {
                Gauge.builder(m.name(), learning, m.value()).description(m.description()).baseUnit(m.unit())
                        .strongReference(true).register(registry);
            } else {
                FunctionCounter.builder(m.name(), learning, m.value()).description(m.description())
                        .baseUnit(m.unit()).register(registry);
            }
        }
        if (estimator != null) {
            for (Estimate.Source source : Estimate.Source.values()) {
                FunctionCounter.builder(MeterCatalog.PREDICTIONS, estimator, e -> e.predictions(source))
                        .description(MeterCatalog.PREDICTIONS_DESCRIPTION)
                        .tag("source", source.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
        }
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

    /**
     * Registers the pool's meters, and those of its slots from now on, in the TaskManager's Flink
     * metric group as well.
     */
    public synchronized void bindFlinkMetricGroup(TaskManagerPool pool, MetricGroup taskManagerGroup) {
        if (pools.containsKey(pool) && !flinkGroups.containsKey(pool)) {
            FlinkMetricGroupMeters group =
                    new FlinkMetricGroupMeters(pool, taskManagerGroup, spill, headroom, learning);
            for (SlotAccount slot : pool.slots()) {
                group.bindSlot(slot);
            }
            flinkGroups.put(pool, group);
        }
    }

    public synchronized void unbindPool(TaskManagerPool pool) {
        flinkGroups.remove(pool);
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
        FlinkMetricGroupMeters group = flinkGroups.get(pool);
        if (group != null) {
            group.bindSlot(slot);
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
