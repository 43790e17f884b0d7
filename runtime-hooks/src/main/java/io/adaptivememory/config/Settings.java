package io.adaptivememory.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every tunable of the agent, read from {@code -Dadaptive.memory.*} system properties.
 *
 * <p>Parsing never fails: a bad value is reported as a {@linkplain #problems() problem} that
 * names the property, the value and what is allowed, and the default is used instead, so a typo
 * can never keep a TaskManager from starting. Unknown {@code adaptive.memory.*} names are
 * reported too, because a misspelt property that is silently ignored is a misconfiguration
 * nobody notices. docs/CONFIGURATION.md documents each property; keep the two in step.
 */
public final class Settings {

    public static final String PREFIX = "adaptive.memory.";

    public static final String ENABLED = PREFIX + "enabled";
    public static final String POLICY = PREFIX + "policy";
    public static final String FLOOR_FRACTION = PREFIX + "floor-fraction";
    public static final String RESERVE_FRACTION = PREFIX + "reserve-fraction";
    public static final String CONTROLLER_INTERVAL = PREFIX + "controller.interval";
    public static final String CONTROLLER_HOLD_TIME = PREFIX + "controller.hold-time";
    public static final String CONTROLLER_MAX_STEP_FRACTION = PREFIX + "controller.max-step-fraction";
    public static final String CONTROLLER_HYSTERESIS = PREFIX + "controller.hysteresis";
    public static final String CONTROLLER_OSCILLATION_LIMIT = PREFIX + "controller.oscillation-limit";
    public static final String CONTROLLER_TUNING_PERIOD = PREFIX + "controller.tuning-period";
    public static final String RECLAIM_TIMEOUT = PREFIX + "reclaim-timeout";
    public static final String EARMARK_TTL = PREFIX + "earmark-ttl";
    public static final String NATIVE_HEADROOM_FRACTION = PREFIX + "native-headroom-fraction";
    public static final String PROMETHEUS_PORT = PREFIX + "metrics.prometheus.port";
    public static final String PROMETHEUS_HOST = PREFIX + "metrics.prometheus.host";
    public static final String JMX_ENABLED = PREFIX + "metrics.jmx.enabled";
    public static final String HISTORY_DIR = PREFIX + "history.dir";
    public static final String HISTORY_MAX_BYTES = PREFIX + "history.max-bytes";
    public static final String HISTORY_SLOT_SAMPLE_INTERVAL = PREFIX + "history.slot-sample-interval";
    public static final String ESTIMATOR_ENABLED = PREFIX + "estimator.enabled";
    public static final String GRANT_FEEDBACK = PREFIX + "estimator.grant-feedback";
    public static final String MODEL = PREFIX + "model";

    /** Internal: a test-only switch that makes the named hook throw, to prove fail-open. */
    public static final String FAULT_INJECTION = PREFIX + "test.inject-fault";

    static final Set<String> KNOWN =
            Set.of(
                    ENABLED,
                    POLICY,
                    FLOOR_FRACTION,
                    RESERVE_FRACTION,
                    CONTROLLER_INTERVAL,
                    CONTROLLER_HOLD_TIME,
                    CONTROLLER_MAX_STEP_FRACTION,
                    CONTROLLER_HYSTERESIS,
                    CONTROLLER_OSCILLATION_LIMIT,
                    CONTROLLER_TUNING_PERIOD,
                    RECLAIM_TIMEOUT,
                    EARMARK_TTL,
                    NATIVE_HEADROOM_FRACTION,
                    PROMETHEUS_PORT,
                    PROMETHEUS_HOST,
                    JMX_ENABLED,
                    HISTORY_DIR,
                    HISTORY_MAX_BYTES,
                    HISTORY_SLOT_SAMPLE_INTERVAL,
                    ESTIMATOR_ENABLED,
                    GRANT_FEEDBACK,
                    MODEL,
                    FAULT_INJECTION);

    public static final boolean DEFAULT_ENABLED = true;
    public static final PolicyKind DEFAULT_POLICY = PolicyKind.ADAPTIVE;
    /** See docs/DESIGN.md, "Choosing the defaults": one 16 MiB SQL chunk of a 64 MiB slot. */
    public static final double DEFAULT_FLOOR_FRACTION = 0.25;
    public static final double DEFAULT_RESERVE_FRACTION = 0.0;
    public static final Duration DEFAULT_CONTROLLER_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECLAIM_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_EARMARK_TTL = Duration.ofSeconds(10);
    /** Stop lending when less than 5% of the container's memory limit is left (docs/CONFIGURATION.md). */
    public static final double DEFAULT_NATIVE_HEADROOM_FRACTION = 0.05;
    public static final String DEFAULT_PROMETHEUS_HOST = "127.0.0.1";
    /** Bounds the history directory: a few hundred thousand consumer records. */
    public static final long DEFAULT_HISTORY_MAX_BYTES = 64L << 20;
    public static final Duration DEFAULT_HISTORY_SLOT_SAMPLE_INTERVAL = Duration.ofSeconds(5);

    private final boolean enabled;
    private final PolicyKind policy;
    private final double floorFraction;
    private final double reserveFraction;
    private final Duration controllerInterval;
    private final Stability stability;
    private final Duration reclaimTimeout;
    private final Duration earmarkTtl;
    private final double nativeHeadroomFraction;
    private final int prometheusPort;
    private final String prometheusHost;
    private final boolean jmxEnabled;
    private final Path historyDir;
    private final long historyMaxBytes;
    private final Duration historySlotSampleInterval;
    private final boolean estimatorEnabled;
    private final boolean grantFeedback;
    private final Path model;
    private final String injectedFault;
    private final Map<String, String> effective;
    private final List<String> problems;

    private Settings(PropertyReader in) {
        this.enabled = in.bool(ENABLED, DEFAULT_ENABLED);
        this.policy = in.choice(POLICY, PolicyKind.class, DEFAULT_POLICY);
        this.floorFraction = in.fraction(FLOOR_FRACTION, DEFAULT_FLOOR_FRACTION, 0.0, 1.0);
        this.reserveFraction = in.fraction(RESERVE_FRACTION, DEFAULT_RESERVE_FRACTION, 0.0, 0.9);
        this.controllerInterval =
                in.duration(
                        CONTROLLER_INTERVAL,
                        DEFAULT_CONTROLLER_INTERVAL,
                        Duration.ofMillis(1),
                        Duration.ofMinutes(1));
        this.stability = new Stability(
                in.duration(CONTROLLER_HOLD_TIME, Duration.ofNanos(Stability.DEFAULT_HOLD_NANOS), Duration.ZERO,
                        Duration.ofMinutes(1)).toNanos(),
                in.fraction(CONTROLLER_MAX_STEP_FRACTION, Stability.DEFAULT_MAX_STEP_FRACTION, 0.01, 1.0),
                in.bytes(CONTROLLER_HYSTERESIS, Stability.DEFAULT_HYSTERESIS_BYTES, 0, 64L << 20),
                in.integer(CONTROLLER_OSCILLATION_LIMIT, Stability.DEFAULT_OSCILLATION_LIMIT, 0, 100),
                in.duration(CONTROLLER_TUNING_PERIOD, Duration.ofNanos(Stability.DEFAULT_TUNING_PERIOD_NANOS),
                        Duration.ZERO, Duration.ofMinutes(10)).toNanos());
        this.reclaimTimeout =
                in.duration(RECLAIM_TIMEOUT, DEFAULT_RECLAIM_TIMEOUT, Duration.ZERO, Duration.ofMinutes(1));
        this.earmarkTtl =
                in.duration(EARMARK_TTL, DEFAULT_EARMARK_TTL, Duration.ofMillis(100), Duration.ofHours(1));
        this.nativeHeadroomFraction =
                in.fraction(NATIVE_HEADROOM_FRACTION, DEFAULT_NATIVE_HEADROOM_FRACTION, 0.0, 0.5);
        this.prometheusPort = in.port(PROMETHEUS_PORT);
        this.prometheusHost = in.host(PROMETHEUS_HOST, DEFAULT_PROMETHEUS_HOST);
        this.jmxEnabled = in.bool(JMX_ENABLED, false);
        this.historyDir = in.path(HISTORY_DIR, true);
        this.historyMaxBytes = in.bytes(HISTORY_MAX_BYTES, DEFAULT_HISTORY_MAX_BYTES, 1L << 20, 1L << 40);
        this.historySlotSampleInterval = in.duration(HISTORY_SLOT_SAMPLE_INTERVAL,
                DEFAULT_HISTORY_SLOT_SAMPLE_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
        this.estimatorEnabled = in.bool(ESTIMATOR_ENABLED, true);
        this.grantFeedback = in.bool(GRANT_FEEDBACK, true);
        this.model = in.path(MODEL, false);
        this.injectedFault = in.text(FAULT_INJECTION, "");
        in.reportUnknown(KNOWN);
        Map<String, String> inEffect = new LinkedHashMap<>(in.effective());
        if (policy == PolicyKind.STATIC) {
            inEffect.put(FLOOR_FRACTION, "1.0 (static: nothing is lent)");
        }
        this.effective = Collections.unmodifiableMap(inEffect);
        this.problems = Collections.unmodifiableList(new ArrayList<>(in.problems()));
    }

    /** Reads the settings from the given properties (normally {@link System#getProperties()}). */
    public static Settings from(Properties properties) {
        return new Settings(new PropertyReader(properties, PREFIX));
    }

    /** Reads the settings from this JVM's system properties. */
    public static Settings fromSystemProperties() {
        return from(System.getProperties());
    }

    public boolean enabled() {
        return enabled;
    }

    public PolicyKind policy() {
        return policy;
    }

    /** Share of a slot's static guarantee that can never be lent while the slot exists. */
    public double floorFraction() {
        return policy == PolicyKind.STATIC ? 1.0 : floorFraction;
    }

    /** Share of the TaskManager pool that borrowers must leave free, on top of the floors. */
    public double reserveFraction() {
        return reserveFraction;
    }

    public Duration controllerInterval() {
        return controllerInterval;
    }

    /** How the adaptive policy damps its entitlement changes and tunes its lending. */
    public Stability stability() {
        return stability;
    }

    /** How long a task thread may wait for borrowed memory to come back before it is sized down. */
    public Duration reclaimTimeout() {
        return reclaimTimeout;
    }

    /** How long memory promised to an eager consumer's plan stays set aside if it is not used. */
    public Duration earmarkTtl() {
        return earmarkTtl;
    }

    /**
     * Share of the container's memory limit that must stay free of memory the kernel cannot drop;
     * below it the agent stops lending. 0 turns the guard off.
     */
    public double nativeHeadroomFraction() {
        return nativeHeadroomFraction;
    }

    /** The Prometheus endpoint's port, or -1 when no endpoint is wanted. */
    public int prometheusPort() {
        return prometheusPort;
    }

    public String prometheusHost() {
        return prometheusHost;
    }

    public boolean jmxEnabled() {
        return jmxEnabled;
    }

    /** Where the history files go, or null for no history files. */
    public Path historyDir() {
        return historyDir;
    }

    /** The most the history directory may hold; the oldest files are deleted beyond it. */
    public long historyMaxBytes() {
        return historyMaxBytes;
    }

    public Duration historySlotSampleInterval() {
        return historySlotSampleInterval;
    }

    /** Whether the online estimator predicts demand (and the adaptive policy uses it). */
    public boolean estimatorEnabled() {
        return estimatorEnabled;
    }

    /**
     * Whether SQL hash tables plan with their own vertex and subtask's recent demand instead of
     * Flink's size (memory grant feedback); needs the estimator and a lending policy.
     */
    public boolean grantFeedback() {
        return grantFeedback && estimatorEnabled;
    }

    /** A trained model file to warm-start the estimator from, or null. */
    public Path model() {
        return model;
    }

    /** The hook named by the test-only fault switch, or the empty string. */
    public String injectedFault() {
        return injectedFault;
    }

    /** Every property with the value in effect, in declaration order, for the startup log line. */
    public Map<String, String> effective() {
        return effective;
    }

    /** One sentence per bad or unknown property; empty when the configuration is clean. */
    public List<String> problems() {
        return problems;
    }

    /** Names of all documented properties, sorted. */
    public static Set<String> knownProperties() {
        TreeSet<String> names = new TreeSet<>(KNOWN);
        names.remove(FAULT_INJECTION);
        return names;
    }
}
