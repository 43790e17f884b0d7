package io.adaptivememory.bench.workload;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The product demo: starts a JVM with the agent attached exactly as a TaskManager would have it
 * ({@code -javaagent:adaptive-memory-agent.jar}), which runs the skewed SQL job on an embedded
 * Flink under {@code static} and then {@code adaptive} and prints them side by side.
 *
 * <p>Arguments: the number of rows (default 1,500,000). System property {@code agent.jar}: the
 * agent jar (the Maven profile {@code demo} sets it).
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String agent = System.getProperty("agent.jar", "agent/target/adaptive-memory-agent.jar");
        if (!new File(agent).isFile()) {
            System.err.println("The agent jar " + agent + " does not exist; build it first: mvn -B install -DskipTests");
            System.exit(2);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-javaagent:" + agent);
        command.add("-Dadaptive.memory.metrics.prometheus.port=" + port);
        command.add("-Xmx1g");
        command.add("-XX:MaxDirectMemorySize=1g");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
        command.add("-Dorg.slf4j.simpleLogger.log.io.adaptivememory=info");
        // The collect sink polls once more after the job ends; Flink logs that as an error.
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.rest=off");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DemoRun.class.getName());
        for (String a : args) {
            command.add(a);
        }
        Process child = new ProcessBuilder(command).inheritIO().start();
        System.exit(child.waitFor());
    }
}
