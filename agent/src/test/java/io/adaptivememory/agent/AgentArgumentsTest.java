package io.adaptivememory.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The agent argument string becomes {@code adaptive.memory.*} system properties. */
class AgentArgumentsTest {

    private Map<String, String> before;

    @BeforeEach
    void rememberAgentProperties() {
        before = agentProperties();
    }

    /** Restores every {@code adaptive.memory.*} system property to what it was before the test. */
    @AfterEach
    void restoreAgentProperties() {
        for (String name : agentProperties().keySet()) {
            if (!before.containsKey(name)) {
                System.clearProperty(name);
            }
        }
        before.forEach(System::setProperty);
    }

    private static Map<String, String> agentProperties() {
        Map<String, String> found = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(Settings.PREFIX)) {
                found.put(name, System.getProperty(name));
            }
        }
        return found;
    }

    @Test
    void applyAsSystemProperties_keyWithoutPrefix_getsPrefix() {
        AgentArguments.applyAsSystemProperties("policy=fair,floor-fraction=0.3");

        assertEquals("fair", System.getProperty(Settings.POLICY));
        assertEquals("0.3", System.getProperty(Settings.FLOOR_FRACTION));
        assertNull(System.getProperty("policy"));
        assertNull(System.getProperty("floor-fraction"));
    }

    @Test
    void applyAsSystemProperties_keyWithPrefix_keptAsIs() {
        AgentArguments.applyAsSystemProperties("adaptive.memory.policy=static");

        assertEquals("static", System.getProperty(Settings.POLICY));
        assertNull(System.getProperty(Settings.PREFIX + Settings.POLICY));
    }

    @Test
    void applyAsSystemProperties_spacesAroundKeysAndValues_trimmed() {
        AgentArguments.applyAsSystemProperties(" policy = fair , metrics.jmx.enabled= true ");

        assertEquals("fair", System.getProperty(Settings.POLICY));
        assertEquals("true", System.getProperty(Settings.JMX_ENABLED));
    }

    @Test
    void applyAsSystemProperties_valueContainsEquals_keepsEverythingAfterFirstEquals() {
        AgentArguments.applyAsSystemProperties("metrics.prometheus.host=a=b");

        assertEquals("a=b", System.getProperty(Settings.PROMETHEUS_HOST));
    }

    @Test
    void applyAsSystemProperties_nullOrBlank_setsNothing() {
        AgentArguments.applyAsSystemProperties(null);
        AgentArguments.applyAsSystemProperties("");
        AgentArguments.applyAsSystemProperties("   ");

        assertEquals(before, agentProperties());
    }

    @Test
    void applyAsSystemProperties_pairWithoutEquals_reportedNamingThePairAndSkipped() {
        List<String> problems = AgentArguments.applyAsSystemProperties("fair");

        assertEquals(List.of("agent argument 'fair' is not key=value and is ignored"), problems);
        assertEquals(before, agentProperties());
    }

    @Test
    void applyAsSystemProperties_pairWithoutKey_reportedAndSkipped() {
        List<String> problems = AgentArguments.applyAsSystemProperties("=fair");

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("'=fair'"), problems.get(0));
        assertEquals(before, agentProperties());
    }

    @Test
    void applyAsSystemProperties_emptyPairBetweenCommas_otherPairsStillApplied() {
        List<String> problems = AgentArguments.applyAsSystemProperties("policy=fair,,floor-fraction=0.3");

        assertEquals(1, problems.size());
        assertEquals("fair", System.getProperty("adaptive.memory.policy"));
        assertEquals("0.3", System.getProperty("adaptive.memory.floor-fraction"));
    }

    @Test
    void applyAsSystemProperties_thenSettings_seeTheArguments() {
        AgentArguments.applyAsSystemProperties("policy=fair,floor-fraction=0.3,reclaim-timeout=500ms");

        Settings settings = Settings.fromSystemProperties();

        assertEquals(PolicyKind.FAIR, settings.policy());
        assertEquals(0.3, settings.floorFraction());
        assertEquals(500, settings.reclaimTimeout().toMillis());
        assertTrue(settings.problems().isEmpty(), settings.problems().toString());
    }

    @Test
    void applyAsSystemProperties_misspeltKey_reportedAsUnknownBySettings() {
        AgentArguments.applyAsSystemProperties("floor-fracton=0.3");

        Settings settings = Settings.fromSystemProperties();

        assertEquals(Settings.DEFAULT_FLOOR_FRACTION, settings.floorFraction());
        assertEquals(1, settings.problems().size(), settings.problems().toString());
        assertTrue(
                settings.problems().get(0).startsWith("adaptive.memory.floor-fracton='0.3' is not a known property"),
                settings.problems().get(0));
    }
}
