package io.adaptivememory.bench.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster started from the Maven class path alone (flink-dist is not
 * on Maven Central): one JobManager JVM ({@code StandaloneSessionClusterEntrypoint}) and one or
 * more TaskManager JVMs ({@code TaskManagerRunner}), each with its own {@code --configDir}, all
 * bound to 127.0.0.1 on free ports. With an agent jar, every TaskManager JVM is started with
 * {@code -javaagent:<jar>} and the agent's properties as {@code -D} options, exactly as an
 * operator passes them through {@code env.java.opts.taskmanager}; the JobManager never has it.
 *
 * <p>Without Flink's start scripts nothing derives a TaskManager's memory components, so each one
 * is set explicitly (see {@link #taskManagerConfig}) and the JVM's {@code -Xmx} and
 * {@code -XX:MaxDirectMemorySize} match them, as the scripts would. SQL batch jobs need 256 MiB of
 * network memory for 4 slots. Each process writes its output (SLF4J's simple logger) to
 * {@code <name>.log} in the work directory: that is its log file.
 *
 * <p>{@link #close()} stops every process it started, also when start-up failed half way; a
 * shutdown hook does the same if this JVM exits first.
 */
public final class StandaloneCluster implements SessionCluster {

    public static final int SLOTS_PER_TASK_MANAGER = EmbeddedCluster.SLOTS;
    public static final long SLOT_BYTES = EmbeddedCluster.SLOT_BYTES;
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(20);
    /** The lowest port picked: above the ports system services commonly listen on. */
    private static final int LOWEST_CHOSEN_PORT = 20_000;

    /** One TaskManager JVM. */
    public static final class TaskManager {
        private final String resourceId;
        private final FlinkProcess process;
        private final int agentPrometheusPort;
        private final int flinkReporterPort;

        TaskManager(String resourceId, FlinkProcess process, int agentPrometheusPort, int flinkReporterPort) {
            this.resourceId = resourceId;
            this.process = process;
            this.agentPrometheusPort = agentPrometheusPort;
            this.flinkReporterPort = flinkReporterPort;
        }

        /** Flink's resource id of this TaskManager ({@code tm-0}, {@code tm-1}, ...). */
        public String resourceId() {
            return resourceId;
        }

        public long pid() {
            return process.pid();
        }

        /** The TaskManager's log file. */
        public Path logFile() {
            return process.log();
        }

        public String log() {
            return process.logText();
        }

        /** Kills the JVM at once ({@code kill -9}): no shutdown hook, no goodbye to the JobManager. */
        public void kill() throws InterruptedException {
            process.kill();
        }

        /** The agent's own Prometheus endpoint on this TaskManager. */
        public Prometheus agentPrometheus() {
            if (agentPrometheusPort < 0) {
                throw new IllegalStateException(resourceId + " runs without the agent's Prometheus endpoint");
            }
            return new Prometheus(agentPrometheusPort);
        }

        /** The endpoint of Flink's own Prometheus metric reporter on this TaskManager. */
        public Prometheus flinkReporter() {
            if (flinkReporterPort < 0) {
                throw new IllegalStateException(resourceId + " runs without Flink's Prometheus reporter");
            }
            return new Prometheus(flinkReporterPort);
        }
    }

    /** What to start. */
    public static final class Builder {
        private int taskManagers = 1;
        private String agentJar;
        private final Map<String, String> agentProperties = new LinkedHashMap<>();
        private boolean flinkPrometheusReporter;
        private long slotBytes = SLOT_BYTES;
        private Path workDir;
        private String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

        public Builder taskManagers(int n) {
            this.taskManagers = n;
            return this;
        }

        /**
         * Starts every TaskManager with {@code -javaagent:<jar>} and each property as
         * {@code -D<key>=<value>}; the agent's Prometheus endpoint is opened on a free port per
         * TaskManager unless the properties choose one.
         */
        public Builder agent(String jar, Map<String, String> properties) {
            this.agentJar = jar;
            this.agentProperties.putAll(properties);
            return this;
        }

        /** Configures Flink's own Prometheus reporter on each TaskManager (its jar must be on the class path). */
        public Builder flinkPrometheusReporter() {
            this.flinkPrometheusReporter = true;
            return this;
        }

        /**
         * Managed memory per slot (default {@link #SLOT_BYTES}), whole MiB. Only
         * {@code taskmanager.memory.managed.size} changes: managed memory is native, outside the
         * heap and direct limits, so the JVM options stay as they are.
         */
        public Builder managedMemoryPerSlot(long bytes) {
            if (bytes <= 0 || bytes % (1 << 20) != 0) {
                throw new IllegalArgumentException("managed memory per slot must be a positive number of MiB: " + bytes);
            }
            this.slotBytes = bytes;
            return this;
        }

        /** Where config dirs, temp dirs and logs go; a new temporary directory (deleted on close) if not set. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** The class path of every JVM: Flink, its connectors and the jobs' classes (default: this JVM's). */
        public Builder classPath(String classPath) {
            this.classPath = classPath;
            return this;
        }

        public StandaloneCluster start() throws IOException, InterruptedException {
            boolean temporary = workDir == null;
            Path dir = temporary ? Files.createTempDirectory("flink-standalone-") : workDir;
            Files.createDirectories(dir);
            StandaloneCluster cluster = new StandaloneCluster(this, dir, temporary);
            try {
                cluster.startProcesses();
                return cluster;
            } catch (IOException | InterruptedException | RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }

    private final Builder spec;
    private final Path workDir;
    private final boolean temporaryWorkDir;
    private final int rpcPort;
    private final int restPort;
    private final List<FlinkProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final List<TaskManager> taskManagers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopProcesses, "standalone-cluster-cleanup");
    private FlinkProcess jobManager;

    private StandaloneCluster(Builder spec, Path workDir, boolean temporaryWorkDir) throws IOException {
        this.spec = spec;
        this.workDir = workDir;
        this.temporaryWorkDir = temporaryWorkDir;
        this.rpcPort = freePort();
        this.restPort = freePort();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void startProcesses() throws IOException, InterruptedException {
        Path jmConf = writeConfig("jobmanager", commonConfig());
        jobManager = launch("jobmanager", List.of("-Xmx512m", "-XX:MaxMetaspaceSize=256m"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", jmConf);
        for (int i = 0; i < spec.taskManagers; i++) {
            launchTaskManager();
        }
        awaitTaskManagers(taskManagers.size());
    }

    /**
     * Starts one more TaskManager JVM, configured as the others (a replacement after a crash, or
     * more capacity), and waits until it has registered.
     */
    public TaskManager startTaskManager() throws IOException, InterruptedException {
        TaskManager tm = launchTaskManager();
        awaitTaskManagers(liveTaskManagers());
        return tm;
    }

    private TaskManager launchTaskManager() throws IOException {
        String id = "tm-" + taskManagers.size();
        Map<String, String> conf = taskManagerConfig(id);
        int reporterPort = -1;
        if (spec.flinkPrometheusReporter) {
            reporterPort = freePort();
            conf.put("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            // Quoted: Flink 1.20 reads reporter options as strings and ignores a YAML integer here.
            conf.put("metrics.reporter.prom.port", "'" + reporterPort + "'");
            conf.put("metrics.reporter.prom.interval", "1 s");
        }
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx528m", "-Xms528m", "-XX:MaxDirectMemorySize=384m", "-XX:MaxMetaspaceSize=256m"));
        int agentPort = -1;
        if (spec.agentJar != null) {
            Map<String, String> props = new LinkedHashMap<>(spec.agentProperties);
            agentPort = Integer.parseInt(props.computeIfAbsent(
                    "adaptive.memory.metrics.prometheus.port", k -> String.valueOf(freePort())));
            jvm.add("-javaagent:" + spec.agentJar);
            props.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        }
        FlinkProcess process = launch(id, jvm, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                writeConfig(id, conf));
        TaskManager tm = new TaskManager(id, process, agentPort, reporterPort);
        taskManagers.add(tm);
        return tm;
    }

    private int liveTaskManagers() {
        return (int) taskManagers.stream().filter(tm -> tm.process.isAlive()).count();
    }

    /** What every process shares: addresses and ports on the loopback, no HA. */
    private Map<String, String> commonConfig() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("metrics.fetcher.update-interval", "1000");
        conf.put("execution.batch.adaptive.auto-parallelism.enabled", "false");
        // A TaskManager that died is noticed within seconds rather than Flink's default 50 s.
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "6000");
        return conf;
    }

    /**
     * Every memory component of a 4-slot TaskManager with 64 MiB of managed memory per slot (or
     * {@link Builder#managedMemoryPerSlot}),
     * matching the JVM options in {@link #startProcesses}: heap 528m (task 400m + framework 128m),
     * direct 384m (framework off-heap 128m + network 256m).
     */
    private Map<String, String> taskManagerConfig(String resourceId) {
        Map<String, String> conf = commonConfig();
        conf.put("taskmanager.resource-id", resourceId);
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(SLOTS_PER_TASK_MANAGER));
        conf.put("taskmanager.cpu.cores", String.valueOf(SLOTS_PER_TASK_MANAGER));
        conf.put("taskmanager.memory.task.heap.size", "400m");
        conf.put("taskmanager.memory.task.off-heap.size", "0m");
        conf.put("taskmanager.memory.framework.heap.size", "128m");
        conf.put("taskmanager.memory.framework.off-heap.size", "128m");
        conf.put("taskmanager.memory.network.min", "256m");
        conf.put("taskmanager.memory.network.max", "256m");
        conf.put("taskmanager.memory.managed.size",
                (SLOTS_PER_TASK_MANAGER * (spec.slotBytes >> 20)) + "m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
        conf.put("taskmanager.memory.jvm-overhead.min", "192m");
        conf.put("taskmanager.memory.jvm-overhead.max", "192m");
        conf.put("io.tmp.dirs", workDir.resolve(resourceId).resolve("tmp").toString());
        return conf;
    }

    private Path writeConfig(String name, Map<String, String> conf) throws IOException {
        Path dir = workDir.resolve(name).resolve("conf");
        Files.createDirectories(dir);
        Files.createDirectories(workDir.resolve(name).resolve("tmp"));
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(dir.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
        return dir;
    }

    private FlinkProcess launch(String name, List<String> jvmOptions, String mainClass, Path configDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-cp");
        command.add(spec.classPath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(configDir.toString());
        FlinkProcess process = FlinkProcess.start(name, command, workDir.resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    /** Waits until {@code expected} TaskManagers have registered with the JobManager. */
    private void awaitTaskManagers(int expected) throws IOException, InterruptedException {
        FlinkRest rest = rest();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        Map<String, Integer> registered = Map.of();
        while (System.nanoTime() < deadline) {
            for (FlinkProcess p : processes) {
                if (!p.isAlive() && !p.killed()) {
                    throw new IllegalStateException(p.name() + " exited with " + p.exitValue() + "; its log:\n"
                            + p.logTail());
                }
            }
            try {
                registered = rest.taskManagerSlots();
                if (registered.size() == expected) {
                    return;
                }
            } catch (IOException notUpYet) {
                // The JobManager's REST endpoint opens a few seconds after its JVM starts.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("only " + registered + " of " + expected
                + " TaskManagers registered within " + STARTUP.toSeconds() + " s; JobManager log:\n"
                + jobManager.logTail());
    }

    public List<TaskManager> taskManagers() {
        return List.copyOf(taskManagers);
    }

    public FlinkProcess jobManager() {
        return jobManager;
    }

    /** Managed memory per slot of every TaskManager. */
    public long slotBytes() {
        return spec.slotBytes;
    }

    public int slots() {
        return spec.taskManagers * SLOTS_PER_TASK_MANAGER;
    }

    public FlinkRest rest() {
        return new FlinkRest("127.0.0.1", restPort);
    }

    @Override
    public Map<String, String> clientConfig() {
        Map<String, String> conf = new HashMap<>();
        conf.put("execution.target", "remote");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("parallelism.default", String.valueOf(slots()));
        conf.put("execution.batch.adaptive.auto-parallelism.enabled", "false");
        return conf;
    }

    /** Stops the TaskManagers, then the JobManager; deletes the work directory if it made it. */
    @Override
    public void close() {
        stopProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: nothing left to remove.
        }
        if (temporaryWorkDir) {
            deleteRecursively(workDir);
        }
    }

    private void stopProcesses() {
        List<FlinkProcess> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        Collections.reverse(all);
        all.forEach(FlinkProcess::terminate);
        for (FlinkProcess p : all) {
            p.awaitExit(STOP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port nothing listens on, for a process started next to pick. It is taken from
     * below the kernel's ephemeral range: a port the kernel hands out ({@code new ServerSocket(0)})
     * may be handed out again as the local end of any outgoing connection before the process
     * binds it, and Flink's processes open many (a JobManager failed to bind its REST port so on
     * a loaded machine). Outside Linux, or if no such port is free, the kernel's choice.
     */
    public static int freePort() {
        int ephemeralStart = ephemeralPortRangeStart();
        for (int attempt = 0; attempt < 64 && ephemeralStart > LOWEST_CHOSEN_PORT; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST_CHOSEN_PORT, ephemeralStart);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the kernel's ephemeral range, or 0 when it is not known. */
    private static int ephemeralPortRangeStart() {
        try {
            // Line by line: on JDK 17 Files.readString returned a fragment of this procfs file ("3").
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
    }
}
