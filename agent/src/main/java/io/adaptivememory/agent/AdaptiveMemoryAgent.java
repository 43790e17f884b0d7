package io.adaptivememory.agent;

import io.adaptivememory.config.Settings;
import io.adaptivememory.flink.AgentRuntime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;

/**
 * The agent's entry points: {@code premain} for {@code -javaagent:adaptive-memory-agent.jar} on
 * the TaskManager's command line, {@code agentmain} for a late attach to a running TaskManager.
 *
 * <p>Whatever goes wrong here, the TaskManager starts: a bad property falls back to its default
 * with a warning, an unknown Flink version or a failure to start leaves the agent passive with
 * one log line, and hooks are installed only once everything they call is ready.
 */
public final class AdaptiveMemoryAgent {

    static final String VERSION = versionOfThisJar();

    private static volatile boolean installed;

    private AdaptiveMemoryAgent() {}

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, "premain");
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, "attach");
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, String mode) {
        Logger log;
        try {
            log = LoggerFactory.getLogger(AdaptiveMemoryAgent.class);
        } catch (LinkageError e) {
            System.err.println("Flink Adaptive Memory: SLF4J is not on the class path, so this is not a Flink "
                    + "TaskManager; the agent stays passive");
            return;
        }
        try {
            for (String problem : AgentArguments.applyAsSystemProperties(arguments)) {
                log.warn("Flink Adaptive Memory configuration: {}", problem);
            }
            Settings settings = Settings.fromSystemProperties();
            for (String problem : settings.problems()) {
                log.warn("Flink Adaptive Memory configuration: {}", problem);
            }
            if (installed) {
                log.info("Flink Adaptive Memory {} is already active in this JVM", VERSION);
                return;
            }
            if (!settings.enabled()) {
                log.info("Flink Adaptive Memory {} is disabled ({}=false); Flink manages memory alone",
                        VERSION, Settings.ENABLED);
                return;
            }
            ClassLoader loader = ClassLoader.getSystemClassLoader();
            String flink = FlinkVersion.detect(loader);
            if (flink == null) {
                log.warn("Flink Adaptive Memory {} stays passive: Flink is not on the class path, so this is not a "
                        + "Flink TaskManager", VERSION);
                return;
            }
            if (!FlinkVersion.isSupported(flink)) {
                log.warn("Flink Adaptive Memory {} stays passive: Flink version {} is not one it supports ({}.x)",
                        VERSION, flink, String.join(".x, ", FlinkVersion.SUPPORTED));
                return;
            }
            List<String> mismatches = FlinkInstrumentation.mismatches(loader);
            if (!mismatches.isEmpty()) {
                log.warn("Flink Adaptive Memory {} stays passive: Flink {} does not have the methods it hooks as "
                        + "expected, and its hooks only work together: {}", VERSION, flink, String.join("; ", mismatches));
                return;
            }
            AgentRuntime.start(settings);
            FlinkInstrumentation hooks = new FlinkInstrumentation();
            hooks.install(instrumentation);
            installed = true;
            log.info("Flink Adaptive Memory {} active ({}) on Flink {}: policy {}; settings {}",
                    VERSION, mode, flink, settings.policy().id(), format(settings.effective()));
        } catch (Throwable t) {
            log.error("Flink Adaptive Memory could not start and stays passive; Flink manages memory alone", t);
        }
    }

    private static String format(Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }

    private static String versionOfThisJar() {
        Package p = AdaptiveMemoryAgent.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
