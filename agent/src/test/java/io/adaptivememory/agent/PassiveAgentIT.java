package io.adaptivememory.agent;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded agent on JVMs it must leave alone: one with a real Flink release it does not support
 * (flink-runtime {@code unsupported.flink.version}, 1.19.3) and one with no Flink at all. Each is
 * a child JVM started with {@code -javaagent:adaptive-memory-agent.jar} and SLF4J, as a
 * TaskManager would be; the agent must say once that it stays passive, install nothing, and the
 * JVM's own main must run to the end.
 */
class PassiveAgentIT {

    static final String MAIN_RAN = "PASSIVE_AGENT_PROBE_MAIN_RAN";

    /** The child JVMs' main: proves the JVM ran its program with the agent attached. */
    public static final class ProbeMain {
        public static void main(String[] args) {
            System.out.println(MAIN_RAN);
        }
    }

    @Test
    void unsupportedFlinkRelease_agentStaysPassiveWithOneWarning() throws Exception {
        String flink = System.getProperty("unsupported.flink.jar");
        assertNotNull(flink, "unsupported.flink.jar is not set (agent/pom.xml)");
        assertTrue(Files.isRegularFile(Path.of(flink)), flink + " was not copied by maven-dependency-plugin");
        String version = System.getProperty("unsupported.flink.version");

        String out = runChild(List.of(flink));

        String passive = "stays passive: Flink version " + version + " is not one it supports";
        assertEquals(1, count(out, passive), "exactly one warning naming the version:\n" + out);
        assertAgentInstalledNothing(out);
    }

    /**
     * A supported Flink release whose {@code UnsafeMemoryBudget.releaseMemory(long)} was renamed
     * (the real class, changed with ASM, ahead of the real flink-runtime on the class path): the
     * reserve hook alone would take bytes the release hook never gives back, so the agent must not
     * install any hook, and must say which method it missed.
     */
    @Test
    void hookedMethodChanged_agentStaysPassiveNamingIt() throws Exception {
        Path changed = ChangedFlink.writeTo(Path.of("target", "changed-flink").toAbsolutePath());

        String out = runChild(List.of(changed.toString(), testClassPathJar("flink-runtime-")));

        assertEquals(1, count(out, "stays passive"), "one line saying so:\n" + out);
        assertTrue(out.contains("UnsafeMemoryBudget.releaseMemory(long) is missing"), "it names the method:\n" + out);
        assertFalse(out.contains("reserveMemory(long) is missing"), "and only that one:\n" + out);
        assertAgentInstalledNothing(out);
    }

    @Test
    void noFlinkOnTheClassPath_agentStaysPassive() throws Exception {
        String out = runChild(List.of());

        assertEquals(1, count(out, "stays passive"), "one line saying so:\n" + out);
        assertAgentInstalledNothing(out);
    }

    static void assertAgentInstalledNothing(String out) {
        assertTrue(out.contains(MAIN_RAN), "the JVM's own program ran:\n" + out);
        assertFalse(out.contains("active (premain)"), "the agent did not activate:\n" + out);
        assertFalse(out.contains("instrumented"), "no class was transformed:\n" + out);
        assertFalse(out.contains("Exception"), "nothing was thrown:\n" + out);
    }

    /** Runs {@link ProbeMain} with the shaded agent, SLF4J and {@code flink} (class path entries, in order). */
    static String runChild(List<String> flink) throws IOException, InterruptedException {
        List<String> classPath = new ArrayList<>();
        classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        classPath.addAll(slf4jJars());
        classPath.addAll(flink);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("shaded.agent.jar"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-cp", String.join(File.pathSeparator, classPath),
                ProbeMain.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit");
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the child JVM's exit code:\n" + out);
        return out;
    }

    /** slf4j-api and slf4j-simple from this JVM's test class path (never the shaded jar: it has no SLF4J). */
    static List<String> slf4jJars() {
        List<String> jars = testClassPath()
                .filter(e -> e.contains("slf4j-api") || e.contains("slf4j-simple"))
                .collect(Collectors.toList());
        assertEquals(2, jars.size(), "slf4j-api and slf4j-simple on the test class path: " + jars);
        return jars;
    }

    /** The one jar of this JVM's test class path whose file name starts with {@code prefix}. */
    static String testClassPathJar(String prefix) {
        List<String> jars = testClassPath()
                .filter(e -> Path.of(e).getFileName().toString().startsWith(prefix) && e.endsWith(".jar"))
                .collect(Collectors.toList());
        assertEquals(1, jars.size(), prefix + "* on the test class path: " + jars);
        return jars.get(0);
    }

    static Stream<String> testClassPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator));
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
