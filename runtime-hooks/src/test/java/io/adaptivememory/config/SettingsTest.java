package io.adaptivememory.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

class SettingsTest {

    private static Settings settings(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return Settings.from(p);
    }

    // ------------------------------------------------------------------------
    //  Defaults
    // ------------------------------------------------------------------------

    @Test
    void from_noProperties_everyDefaultAndNoProblem() {
        Settings s = settings();

        assertEquals(Settings.DEFAULT_ENABLED, s.enabled());
        assertEquals(Settings.DEFAULT_POLICY, s.policy());
        assertEquals(Settings.DEFAULT_FLOOR_FRACTION, s.floorFraction());
        assertEquals(Settings.DEFAULT_RESERVE_FRACTION, s.reserveFraction());
        assertEquals(Settings.DEFAULT_CONTROLLER_INTERVAL, s.controllerInterval());
        assertEquals(Settings.DEFAULT_RECLAIM_TIMEOUT, s.reclaimTimeout());
        assertEquals(Settings.DEFAULT_EARMARK_TTL, s.earmarkTtl());
        assertEquals(Stability.DEFAULT, s.stability());
        assertEquals(-1, s.prometheusPort());
        assertEquals(Settings.DEFAULT_PROMETHEUS_HOST, s.prometheusHost());
        assertFalse(s.jmxEnabled());
        assertEquals("", s.injectedFault());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void effective_noProperties_listsEveryDocumentedPropertyWithItsDefault() {
        Settings s = settings();

        assertEquals(Settings.knownProperties(), new java.util.TreeSet<>(s.effective().keySet()));
        assertEquals(PolicyKind.ADAPTIVE.id(), s.effective().get(Settings.POLICY));
        assertEquals(String.valueOf(Settings.DEFAULT_FLOOR_FRACTION), s.effective().get(Settings.FLOOR_FRACTION));
        assertEquals(PropertyReader.format(Settings.DEFAULT_RECLAIM_TIMEOUT), s.effective().get(Settings.RECLAIM_TIMEOUT));
        assertEquals("off", s.effective().get(Settings.PROMETHEUS_PORT));
    }

    @Test
    void knownProperties_excludeTheTestOnlyFaultSwitch() {
        assertFalse(Settings.knownProperties().contains(Settings.FAULT_INJECTION));
        assertTrue(Settings.knownProperties().contains(Settings.FLOOR_FRACTION));
    }

    // ------------------------------------------------------------------------
    //  Bad values: one problem sentence each, and the default
    // ------------------------------------------------------------------------

    /** What a bad value of one property must produce. */
    private static final class Expectation {
        final String key;
        final String allowedHint;
        final String using;
        final Function<Settings, Object> read;
        final Object fallback;

        Expectation(String key, String allowedHint, String using, Function<Settings, Object> read, Object fallback) {
            this.key = key;
            this.allowedHint = allowedHint;
            this.using = using;
            this.read = read;
            this.fallback = fallback;
        }
    }

    private static final Expectation ENABLED = new Expectation(Settings.ENABLED, "true or false",
            String.valueOf(Settings.DEFAULT_ENABLED), Settings::enabled, Settings.DEFAULT_ENABLED);
    private static final Expectation POLICY = new Expectation(Settings.POLICY, "one of static, fair, adaptive",
            Settings.DEFAULT_POLICY.id(), Settings::policy, Settings.DEFAULT_POLICY);
    private static final Expectation FLOOR = new Expectation(Settings.FLOOR_FRACTION, "a decimal number from",
            String.valueOf(Settings.DEFAULT_FLOOR_FRACTION), Settings::floorFraction, Settings.DEFAULT_FLOOR_FRACTION);
    private static final Expectation RESERVE = new Expectation(Settings.RESERVE_FRACTION, "a decimal number from",
            String.valueOf(Settings.DEFAULT_RESERVE_FRACTION), Settings::reserveFraction,
            Settings.DEFAULT_RESERVE_FRACTION);
    private static final Expectation HEADROOM = new Expectation(Settings.NATIVE_HEADROOM_FRACTION,
            "a decimal number from", String.valueOf(Settings.DEFAULT_NATIVE_HEADROOM_FRACTION),
            Settings::nativeHeadroomFraction, Settings.DEFAULT_NATIVE_HEADROOM_FRACTION);
    private static final Expectation INTERVAL = new Expectation(Settings.CONTROLLER_INTERVAL,
            "a duration such as 250ms, 2s or 1min", PropertyReader.format(Settings.DEFAULT_CONTROLLER_INTERVAL),
            Settings::controllerInterval, Settings.DEFAULT_CONTROLLER_INTERVAL);
    private static final Expectation HOLD = new Expectation(Settings.CONTROLLER_HOLD_TIME,
            "a duration such as 250ms, 2s or 1min from 0ms to 1min", "1s",
            s -> s.stability().holdNanos(), Stability.DEFAULT_HOLD_NANOS);
    private static final Expectation MAX_STEP = new Expectation(Settings.CONTROLLER_MAX_STEP_FRACTION,
            "a decimal number from 0.01 to 1.0", String.valueOf(Stability.DEFAULT_MAX_STEP_FRACTION),
            s -> s.stability().maxStepFraction(), Stability.DEFAULT_MAX_STEP_FRACTION);
    private static final Expectation HYSTERESIS = new Expectation(Settings.CONTROLLER_HYSTERESIS,
            "a size such as 64mb, 512kb or 1gb from", "1mb",
            s -> s.stability().hysteresisBytes(), Stability.DEFAULT_HYSTERESIS_BYTES);
    private static final Expectation OSCILLATION = new Expectation(Settings.CONTROLLER_OSCILLATION_LIMIT,
            "a whole number from 0 to 100", String.valueOf(Stability.DEFAULT_OSCILLATION_LIMIT),
            s -> s.stability().oscillationLimit(), Stability.DEFAULT_OSCILLATION_LIMIT);
    private static final Expectation TUNING = new Expectation(Settings.CONTROLLER_TUNING_PERIOD,
            "a duration such as 250ms, 2s or 1min from 0ms to 10min", "2s",
            s -> s.stability().tuningPeriodNanos(), Stability.DEFAULT_TUNING_PERIOD_NANOS);
    private static final Expectation RECLAIM = new Expectation(Settings.RECLAIM_TIMEOUT,
            "a duration such as 250ms, 2s or 1min", PropertyReader.format(Settings.DEFAULT_RECLAIM_TIMEOUT),
            Settings::reclaimTimeout, Settings.DEFAULT_RECLAIM_TIMEOUT);
    private static final Expectation TTL = new Expectation(Settings.EARMARK_TTL,
            "a duration such as 250ms, 2s or 1min", PropertyReader.format(Settings.DEFAULT_EARMARK_TTL),
            Settings::earmarkTtl, Settings.DEFAULT_EARMARK_TTL);
    private static final Expectation PORT = new Expectation(Settings.PROMETHEUS_PORT, "a TCP port from 0 to 65535",
            "no endpoint", Settings::prometheusPort, -1);
    private static final Expectation HOST = new Expectation(Settings.PROMETHEUS_HOST, "a host name or IP address",
            Settings.DEFAULT_PROMETHEUS_HOST, Settings::prometheusHost, Settings.DEFAULT_PROMETHEUS_HOST);
    private static final Expectation JMX = new Expectation(Settings.JMX_ENABLED, "true or false", "false",
            Settings::jmxEnabled, false);

    private static final Expectation HISTORY_MAX = new Expectation(Settings.HISTORY_MAX_BYTES,
            "a size such as 64mb, 512kb or 1gb from 1mb to 1tb", "64mb", Settings::historyMaxBytes,
            Settings.DEFAULT_HISTORY_MAX_BYTES);
    private static final Expectation SLOT_SAMPLES = new Expectation(Settings.HISTORY_SLOT_SAMPLE_INTERVAL,
            "a duration such as 250ms, 2s or 1min", "5s", Settings::historySlotSampleInterval,
            Settings.DEFAULT_HISTORY_SLOT_SAMPLE_INTERVAL);
    private static final Expectation ESTIMATOR = new Expectation(Settings.ESTIMATOR_ENABLED, "true or false", "true",
            Settings::estimatorEnabled, true);
    private static final Expectation GRANT_FEEDBACK = new Expectation(Settings.GRANT_FEEDBACK, "true or false", "true",
            Settings::grantFeedback, true);
    private static final Expectation HISTORY_DIR = new Expectation(Settings.HISTORY_DIR,
            "a directory path (created if missing)", "none", Settings::historyDir, null);
    private static final Expectation MODEL = new Expectation(Settings.MODEL, "the path of an existing file", "none",
            Settings::model, null);

    private static final String EMPTY = "";
    private static final String NEGATIVE = "-1";
    private static final String ZERO = "0";
    private static final String NAN = "NaN";
    private static final String HUGE = "99999999999999999999999";
    private static final String GARBAGE = "#?! lots";

    static Stream<Arguments> badValues() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, ENABLED, EMPTY, NEGATIVE, ZERO, NAN, HUGE, GARBAGE, "1", "yes", "true s");
        add(cases, JMX, EMPTY, NEGATIVE, ZERO, NAN, HUGE, GARBAGE, "on", "false ms");
        add(cases, POLICY, EMPTY, NEGATIVE, ZERO, NAN, HUGE, GARBAGE, "greedy", "adaptive ms");
        // Zero is a legal floor and reserve fraction (nothing is protected / nothing kept back).
        add(cases, FLOOR, EMPTY, NEGATIVE, "-0.25", NAN, HUGE, "1e400", "Infinity", "1.01", GARBAGE, "25%", "0.5MiB");
        // Zero is a legal headroom fraction: the guard is off.
        add(cases, HEADROOM, EMPTY, NEGATIVE, NAN, HUGE, "0.51", "Infinity", GARBAGE, "5%", "256m");
        add(cases, RESERVE, EMPTY, NEGATIVE, "-0.1", NAN, HUGE, "-Infinity", "0.91", GARBAGE, "5%", "0.1s");
        add(cases, INTERVAL, EMPTY, NEGATIVE, "-5ms", ZERO, "0ms", NAN, HUGE, HUGE + "ms", "2min", GARBAGE,
                "5kg", "5ns", "5us", "5 seconds", "1.5s", "2d");
        // Zero is legal for the hold time, the hysteresis, the oscillation limit and the tuning period: that rule is off.
        add(cases, HOLD, EMPTY, NEGATIVE, "-1s", NAN, HUGE, "61s", GARBAGE, "1 parsec", "5us");
        add(cases, MAX_STEP, EMPTY, NEGATIVE, ZERO, "0.001", "1.5", NAN, "Infinity", GARBAGE, "25%");
        add(cases, HYSTERESIS, EMPTY, NEGATIVE, NAN, HUGE, "65mb", "1gb", GARBAGE, "-1mb", "1 parsec");
        add(cases, OSCILLATION, EMPTY, NEGATIVE, NAN, HUGE, "101", "2.5", GARBAGE, "four", "4x");
        add(cases, TUNING, EMPTY, NEGATIVE, "-2s", NAN, HUGE, "11min", "2h", GARBAGE, "2 fortnights");
        // Zero is a legal reclaim timeout: never wait for lent memory.
        add(cases, RECLAIM, EMPTY, NEGATIVE, "-1s", NAN, HUGE, "9223372036854775807h", "61s", "2h", GARBAGE,
                "3d", "1us", "two seconds");
        add(cases, TTL, EMPTY, NEGATIVE, ZERO, "99ms", NAN, HUGE, "61min", "2h", GARBAGE, "10 parsecs", "1w");
        // Port 0 is legal: the endpoint binds an ephemeral port.
        add(cases, PORT, EMPTY, NEGATIVE, NAN, HUGE, "65536", "99999999999", GARBAGE, "http", "9249ms", "92.49");
        // Host names are checked for syntax only, so "-1", "0" and "NaN" pass as names.
        add(cases, HOST, EMPTY, "   ", GARBAGE, "host name", "a/b", "http://x", "h\u00f6st", "x;y");
        add(cases, HISTORY_MAX, EMPTY, NEGATIVE, ZERO, NAN, HUGE, HUGE + "tb", GARBAGE, "1.5gb", "64 parsecs", "2tb",
                "1023kb", "64mbs", "-64mb");
        add(cases, SLOT_SAMPLES, EMPTY, NEGATIVE, ZERO, "99ms", NAN, HUGE, "2h", GARBAGE, "5 kg");
        add(cases, ESTIMATOR, EMPTY, NEGATIVE, ZERO, NAN, HUGE, GARBAGE, "on");
        add(cases, GRANT_FEEDBACK, EMPTY, NEGATIVE, ZERO, NAN, HUGE, GARBAGE, "on", "off");
        // A directory that exists as a file, and an empty path; a missing directory is fine (created).
        add(cases, HISTORY_DIR, EMPTY, "   ", "/dev/null", "\u0000");
        // A model must be an existing regular file.
        add(cases, MODEL, EMPTY, "/no/such/model", "/tmp", NAN, "\u0000");
        return cases.stream();
    }

    private static void add(List<Arguments> cases, Expectation e, String... raws) {
        for (String raw : raws) {
            cases.add(Arguments.of(e.key, raw, e));
        }
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @MethodSource("badValues")
    void from_badValue_oneProblemNamingPropertyValueAndAllowedAndDefaultUsed(String key, String raw, Expectation e) {
        Settings s = settings(key, raw);

        assertEquals(1, s.problems().size(), s.problems().toString());
        String problem = s.problems().get(0);
        Pattern sentence = Pattern.compile(
                Pattern.quote(key + "='" + raw + "' is invalid: expected ") + ".*"
                        + Pattern.quote(e.allowedHint) + ".*" + Pattern.quote("; using " + e.using));
        assertTrue(sentence.matcher(problem).matches(), problem);
        assertEquals(e.fallback, e.read.apply(s));
    }

    @Test
    void grantFeedback_needsTheEstimator() {
        assertTrue(settings(Settings.GRANT_FEEDBACK, "true").grantFeedback());
        assertFalse(settings(Settings.GRANT_FEEDBACK, "false").grantFeedback());
        assertFalse(settings(Settings.ESTIMATOR_ENABLED, "false").grantFeedback(), "no estimator, no history to plan from");
    }

    @Test
    void from_badFloorFraction_sentenceStatesTheRange() {
        Settings s = settings(Settings.FLOOR_FRACTION, "2");

        assertEquals(
                Settings.FLOOR_FRACTION + "='2' is invalid: expected a decimal number from 0.0 to 1.0; using "
                        + Settings.DEFAULT_FLOOR_FRACTION,
                s.problems().get(0));
    }

    @Test
    void from_badDuration_sentenceStatesTheRangeInDurations() {
        Settings s = settings(Settings.EARMARK_TTL, "2h");

        assertEquals(
                Settings.EARMARK_TTL + "='2h' is invalid: expected a duration such as 250ms, 2s or 1min from 100ms to "
                        + "60min; using " + PropertyReader.format(Settings.DEFAULT_EARMARK_TTL),
                s.problems().get(0));
    }

    @Test
    void from_severalBadValues_oneProblemEachInDeclarationOrder() {
        Settings s = settings(Settings.POLICY, "x", Settings.EARMARK_TTL, "y", Settings.ENABLED, "z");

        assertEquals(3, s.problems().size(), s.problems().toString());
        assertTrue(s.problems().get(0).startsWith(Settings.ENABLED));
        assertTrue(s.problems().get(1).startsWith(Settings.POLICY));
        assertTrue(s.problems().get(2).startsWith(Settings.EARMARK_TTL));
    }

    // ------------------------------------------------------------------------
    //  Good values
    // ------------------------------------------------------------------------

    @Test
    void from_zeroWhereAllowed_acceptedWithoutProblem() {
        Settings s = settings(
                Settings.FLOOR_FRACTION, "0",
                Settings.RESERVE_FRACTION, "0",
                Settings.RECLAIM_TIMEOUT, "0",
                Settings.PROMETHEUS_PORT, "0");

        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(0.0, s.floorFraction());
        assertEquals(0.0, s.reserveFraction());
        assertEquals(Duration.ZERO, s.reclaimTimeout());
        assertEquals(0, s.prometheusPort());
    }

    @Test
    void from_validValuesWithSpacesAndCase_accepted() {
        Settings s = settings(
                Settings.ENABLED, " FALSE ",
                Settings.POLICY, " Fair ",
                Settings.FLOOR_FRACTION, " 0.5 ",
                Settings.RESERVE_FRACTION, "0.9",
                Settings.PROMETHEUS_PORT, "9249",
                Settings.PROMETHEUS_HOST, "0.0.0.0",
                Settings.JMX_ENABLED, "true",
                Settings.FAULT_INJECTION, " reserve ");

        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertFalse(s.enabled());
        assertEquals(PolicyKind.FAIR, s.policy());
        assertEquals(0.5, s.floorFraction());
        assertEquals(0.9, s.reserveFraction());
        assertEquals(9249, s.prometheusPort());
        assertEquals("0.0.0.0", s.prometheusHost());
        assertTrue(s.jmxEnabled());
        assertEquals("reserve", s.injectedFault());
    }

    @ParameterizedTest
    @CsvSource({
        "250ms, 250",
        "2s, 2000",
        "1min, 60000",
        "1m, 60000",
        "1 min, 60000",
        "1MIN, 60000",
        "3sec, 3000",
        "3secs, 3000",
        "10millis, 10",
        "10milli, 10",
        "1h, 3600000",
        "7, 7",
    })
    void parseDuration_supportedUnits_parsed(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), PropertyReader.parseDuration(text.toLowerCase(java.util.Locale.ROOT)));
    }

    @ParameterizedTest
    @CsvSource({"250ms, reclaim", "2s, interval", "1min, ttl"})
    void from_durations_parsedIntoSettings(String text, String which) {
        String key = which.equals("reclaim") ? Settings.RECLAIM_TIMEOUT
                : which.equals("interval") ? Settings.CONTROLLER_INTERVAL : Settings.EARMARK_TTL;
        Settings s = settings(key, text);

        Duration expected = PropertyReader.parseDuration(text);
        Duration actual = which.equals("reclaim") ? s.reclaimTimeout()
                : which.equals("interval") ? s.controllerInterval() : s.earmarkTtl();
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(expected, actual);
        assertEquals(text, s.effective().get(key));
    }

    @ParameterizedTest
    @CsvSource(value = {"''", "-1s", "1.5s", "s", "ms5", "99999999999999999999", "9223372036854775807h", "5 kg"},
            quoteCharacter = '\'')
    void parseDuration_malformedOrOverflowing_null(String text) {
        assertNull(PropertyReader.parseDuration(text));
    }

    // ------------------------------------------------------------------------
    //  Unknown names and the static policy
    // ------------------------------------------------------------------------

    @Test
    void from_unknownAdaptiveMemoryNames_reportedWithKnownNames() {
        Settings s = settings(
                "adaptive.memory.floor-fracton", "0.5",
                "adaptive.memory.policyy", "static",
                "unrelated.property", "1",
                Settings.FAULT_INJECTION, "");

        assertEquals(2, s.problems().size(), s.problems().toString());
        String first = s.problems().get(0);
        assertTrue(first.startsWith("adaptive.memory.floor-fracton='0.5' is not a known property"), first);
        assertTrue(first.contains(Settings.FLOOR_FRACTION), first);
        assertFalse(first.contains(Settings.FAULT_INJECTION), first);
        assertTrue(s.problems().get(1).startsWith("adaptive.memory.policyy='static'"), s.problems().get(1));
        assertEquals(Settings.DEFAULT_FLOOR_FRACTION, s.floorFraction());
        assertEquals(Settings.DEFAULT_POLICY, s.policy());
    }

    @Test
    void floorFraction_staticPolicy_isWholeGuarantee() {
        Settings s = settings(Settings.POLICY, "static", Settings.FLOOR_FRACTION, "0.5");

        assertEquals(PolicyKind.STATIC, s.policy());
        assertEquals(1.0, s.floorFraction());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void floorFraction_lendingPolicies_isConfiguredValue() {
        for (PolicyKind kind : new PolicyKind[] {PolicyKind.FAIR, PolicyKind.ADAPTIVE}) {
            assertEquals(0.5, settings(Settings.POLICY, kind.id(), Settings.FLOOR_FRACTION, "0.5").floorFraction());
        }
    }
}
