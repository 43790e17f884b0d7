package io.adaptivememory.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shaded agent jar's command line, as an operator runs it: {@code java -jar adaptive-memory-agent.jar ...}. */
final class AgentJar {

    static final String PATH = System.getProperty("agent.jar");

    private AgentJar() {}

    /** Runs a command of the jar; fails unless it exits 0 within 4 minutes; returns its output. */
    static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", PATH));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "finished: " + command);
        System.out.println("agent jar: " + String.join(" ", args) + "\n" + output);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
