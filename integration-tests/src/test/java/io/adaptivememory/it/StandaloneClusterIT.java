package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.SkewedSqlJob;
import io.adaptivememory.bench.workload.SlotPeaks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static io.adaptivememory.it.AgentMeters.POOL_TOTAL;
import static io.adaptivememory.it.AgentMeters.SLOT_BYTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent on real TaskManager JVMs: a standalone session cluster (a JobManager JVM and two
 * TaskManager JVMs of 4 slots x 64 MiB, started from the Maven class path) with
 * {@code -javaagent:adaptive-memory-agent.jar} on each TaskManager's command line, exactly as an
 * operator passes it. Jobs are submitted over REST; the agents are observed only through each
 * TaskManager's own log file and Prometheus endpoint.
 */
class StandaloneClusterIT {

    static final long ROWS = 1_500_000;
    static final int TASK_MANAGERS = 2;
    static final String AGENT_JAR = System.getProperty("agent.jar");
    static final long TM_MANAGED_BYTES = StandaloneCluster.SLOTS_PER_TASK_MANAGER * SLOT_BYTES;

    static Map<Long, String> expected;

    @BeforeAll
    static void computeExpected() {
        expected = new SkewedSqlJob(ROWS).expected();
    }

    /** The skewed job spread over all 8 slots of both TaskManagers. */
    static Map<Long, String> runSkewedJob(StandaloneCluster cluster) throws Exception {
        Map<String, String> options = new HashMap<>(SkewedSqlJob.OPTIONS);
        options.put("table.exec.resource.default-parallelism", String.valueOf(cluster.slots()));
        return new SkewedSqlJob(ROWS).run(cluster.batchTableEnvironment(AgentMeters.noRestart(options)));
    }

    static Path workDir(String name) {
        return Path.of("target", "standalone", name);
    }

    /**
     * A bad value for every agent property but the endpoint's port, as an operator might mistype
     * them: each is reported in the TaskManager's log with the property, the value and what is
     * allowed, and the TaskManager runs with the defaults.
     */
    static final Map<String, String> BAD_VALUES = Map.ofEntries(
            Map.entry("adaptive.memory.enabled", "yes"),
            Map.entry("adaptive.memory.policy", "greedy"),
            Map.entry("adaptive.memory.floor-fraction", "NaN"),
            Map.entry("adaptive.memory.reserve-fraction", "-1"),
            Map.entry("adaptive.memory.controller.interval", "0"),
            Map.entry("adaptive.memory.reclaim-timeout", "2.5s"),
            Map.entry("adaptive.memory.earmark-ttl", "99999999999999999999min"),
            Map.entry("adaptive.memory.metrics.prometheus.host", "my host"),
            Map.entry("adaptive.memory.metrics.jmx.enabled", "1"),
            Map.entry("adaptive.memory.history.dir", "/dev/null"),
            Map.entry("adaptive.memory.history.max-bytes", "64 parsecs"),
            Map.entry("adaptive.memory.model", "/no/such.model"),
            Map.entry("adaptive.memory.floor-fracton", "0.3"));

    /**
     * Two TaskManagers, one job spanning both: identical results with and without the agents;
     * each agent governs its own TaskManager (its own 256 MiB pool, its own endpoint scraped during
     * the run), no slot holds more than its own TaskManager's pool, and both pools are empty after.
     * The agents are started with {@link #BAD_VALUES}: every problem is in each TaskManager's log
     * and the defaults apply.
     */
    @Test
    @Timeout(600)
    void twoTaskManagers_oneJob_sameResultWithAndWithoutAgents_eachAgentGovernsItsOwn() throws Exception {
        Map<Long, String> withoutAgents;
        try (StandaloneCluster plain = StandaloneCluster.builder()
                .taskManagers(TASK_MANAGERS).workDir(workDir("without-agent")).start()) {
            withoutAgents = runSkewedJob(plain);
        }
        assertEquals(expected, withoutAgents, "the job's result on Flink alone");

        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .taskManagers(TASK_MANAGERS)
                .agent(AGENT_JAR, BAD_VALUES)
                .flinkPrometheusReporter()
                .workDir(workDir("with-agent"))
                .start()) {
            List<SlotPeaks> peaks = new ArrayList<>();
            List<SlotPeaks> flinkPeaks = new ArrayList<>();
            for (StandaloneCluster.TaskManager tm : cluster.taskManagers()) {
                peaks.add(new SlotPeaks(tm.agentPrometheus()));
                flinkPeaks.add(new SlotPeaks(tm.flinkReporter(), SlotPeaks.FLINK_REPORTER));
            }
            Map<Long, String> withAgents;
            try {
                withAgents = runSkewedJob(cluster);
            } finally {
                for (SlotPeaks p : peaks) {
                    p.close();
                }
                for (SlotPeaks p : flinkPeaks) {
                    p.close();
                }
            }
            assertEquals(withoutAgents, withAgents, "the same result with the agents as without");

            long hottest = 0;
            for (int i = 0; i < TASK_MANAGERS; i++) {
                StandaloneCluster.TaskManager tm = cluster.taskManagers().get(i);
                SlotPeaks p = peaks.get(i);
                System.out.printf("StandaloneClusterIT %s: pool %d MiB, sampled peak %d MiB, slot peaks %s%n",
                        tm.resourceId(), p.poolTotal() >> 20, p.peakPoolReserved() >> 20, p.peakReservedBySlot());
                String log = tm.log();
                assertTrue(log.contains("Flink Adaptive Memory") && log.contains("active (premain) on Flink")
                                && log.contains("policy adaptive; settings"),
                        tm.resourceId() + "'s log file has the agent's start-up line:\n" + log);
                for (Map.Entry<String, String> bad : BAD_VALUES.entrySet()) {
                    String problem = "Flink Adaptive Memory configuration: " + bad.getKey() + "='" + bad.getValue() + "' is ";
                    assertTrue(log.contains(problem), tm.resourceId() + "'s log reports " + problem + "\n" + log);
                }
                assertTrue(log.contains("policy adaptive; settings adaptive.memory.enabled=true"), "defaults apply");
                assertEquals(TM_MANAGED_BYTES, p.poolTotal(), tm.resourceId() + " governs its own 256 MiB");
                assertTrue(p.peakPoolReserved() <= TM_MANAGED_BYTES, tm.resourceId() + " never above its total");
                assertFalse(p.peakReservedBySlot().isEmpty(), "the job ran slots on " + tm.resourceId());
                hottest = Math.max(hottest, p.hottestSlotPeak());

                AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(tm.agentPrometheus());
                assertEquals(0, after.get(POOL_RESERVED), tm.resourceId() + ": every page back");
                assertEquals(0, after.get(POOL_EARMARKED), tm.resourceId() + ": every earmark back");
                assertEquals(TM_MANAGED_BYTES, after.get(POOL_TOTAL), tm.resourceId() + "'s total");
                assertEquals(0, after.get(FAILOPEN), tm.resourceId() + ": no internal failure");
                assertFlinkMetrics(cluster, tm, p, flinkPeaks.get(i));
            }
            // Whether the hot slot borrowed is not asserted here: with 8 subtasks on 2 cores its
            // sorter is sometimes built while its neighbours still hold their plans and then keeps
            // Flink's size (docs/DESIGN.md, limitations). Borrowing on a real TaskManager JVM is
            // asserted by the late-attach case below and on embedded clusters by SkewedSqlJobIT.
            System.out.printf("StandaloneClusterIT: hottest slot %d MiB (share %d MiB)%n", hottest >> 20, SLOT_BYTES >> 20);
            assertDashboardMetersExist(peaks.get(0).seenNames());
        }
    }

    /**
     * The agent's meters in the TaskManager's own Flink metric group: Flink's REST API (what its
     * web UI shows) lists them with the agent's values, and Flink's Prometheus reporter, sampled
     * during the run like the agent's endpoint, saw the same memory. Slot gauges in Flink's group
     * read 0 once the job's slots are freed (Flink cannot unregister a single metric).
     */
    static void assertFlinkMetrics(StandaloneCluster cluster, StandaloneCluster.TaskManager tm, SlotPeaks agent,
            SlotPeaks flink) throws Exception {
        Map<String, String> ui = awaitRestMetrics(cluster, tm);
        AgentMeters.Snapshot now = AgentMeters.scrape(tm.agentPrometheus());
        assertEquals(String.valueOf(TM_MANAGED_BYTES), ui.get("adaptive.memory.pool.total"), "web UI: " + ui);
        assertEquals(String.valueOf((long) now.get(AgentMeters.LOANS)), ui.get("adaptive.memory.loans"),
                "web UI and agent endpoint agree on loans");
        assertEquals("0", ui.get("adaptive.memory.failopen"), "web UI: " + ui);
        for (int slot = 0; slot < StandaloneCluster.SLOTS_PER_TASK_MANAGER; slot++) {
            for (String meter : List.of("guarantee", "floor", "reserved", "reservedPeak", "earmarked", "entitlement",
                    "borrowed", "lent")) {
                String name = "adaptive.memory.slot." + slot + "." + meter;
                assertEquals("0", ui.get(name), "web UI lists " + name + ", 0 with the slot freed: " + ui);
            }
        }

        assertEquals(TM_MANAGED_BYTES, flink.poolTotal(), "Flink's Prometheus reporter exported the pool total");
        assertEquals(agent.peakReservedBySlot().keySet(), flink.peakReservedBySlot().keySet(),
                "Flink's reporter exported every slot the agent's endpoint did");
        assertTrue(flink.hottestSlotPeak() > 0, "Flink's reporter saw the slots' memory: " + flink.peakReservedBySlot());
        assertEquals(agent.hottestSlotPeak() > SLOT_BYTES, flink.hottestSlotPeak() > SLOT_BYTES,
                "both endpoints show whether a slot borrowed: agent " + agent.peakReservedBySlot() + ", Flink "
                        + flink.peakReservedBySlot());
    }

    /** Every series the shipped Grafana dashboard queries is one a real TaskManager's agent exports. */
    static void assertDashboardMetersExist(Set<String> exported) throws Exception {
        String dashboard = Files.readString(Path.of("..", "docs", "grafana-dashboard.json"));
        Matcher m = Pattern.compile("adaptive_memory_[a-z_]+").matcher(dashboard);
        Set<String> queried = new TreeSet<>();
        while (m.find()) {
            queried.add(m.group());
        }
        assertTrue(queried.size() >= 15, "the dashboard queries the agent's meters: " + queried);
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertTrue(missing.isEmpty(), "the dashboard queries series no TaskManager exports: " + missing);
    }

    static Map<String, String> awaitRestMetrics(StandaloneCluster cluster, StandaloneCluster.TaskManager tm)
            throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Map<String, String> ui = Map.of();
        while (System.nanoTime() < deadline) {
            ui = cluster.rest().taskManagerMetrics(tm.resourceId(), "adaptive.memory.");
            if (ui.containsKey("adaptive.memory.slot.3.guarantee")) {
                return ui;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(tm.resourceId() + ": Flink's REST API never listed the agent's meters: " + ui);
    }

    /** {@code -Dadaptive.memory.enabled=false}: the agent says so in the log and does nothing. */
    @Test
    @Timeout(300)
    void disabled_isANoOpOnARealTaskManager() throws Exception {
        int port = StandaloneCluster.freePort();
        List<Long> pids = new ArrayList<>();
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .agent(AGENT_JAR, Map.of("adaptive.memory.enabled", "false",
                        "adaptive.memory.metrics.prometheus.port", String.valueOf(port)))
                .workDir(workDir("disabled"))
                .start()) {
            SkewedSqlJob job = new SkewedSqlJob(300_000);
            assertEquals(job.expected(), job.run(cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS))),
                    "Flink alone gives the exact result");
            String log = cluster.taskManagers().get(0).log();
            assertTrue(log.contains("is disabled (adaptive.memory.enabled=false)"), log);
            assertFalse(log.contains("governs this TaskManager"), "no pool was opened:\n" + log);
            assertThrows(IllegalStateException.class, () -> new Prometheus(port).scrape(),
                    "a disabled agent opens no port");
            pids.add(cluster.jobManager().pid());
            cluster.taskManagers().forEach(tm -> pids.add(tm.pid()));
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the harness stopped every JVM it started: " + pid + " is still alive");
        }
    }

    /**
     * {@code java -jar adaptive-memory-agent.jar attach <pid>} against a real TaskManager JVM that
     * started without the agent: the slots of the job submitted after the attach are governed
     * (the hot one borrows), the result is exact and the pool is empty afterwards.
     */
    @Test
    @Timeout(300)
    void lateAttach_toARunningTaskManagerJvm_governsTheSlotsAllocatedAfterIt() throws Exception {
        int port = StandaloneCluster.freePort();
        try (StandaloneCluster cluster = StandaloneCluster.builder().workDir(workDir("late-attach")).start()) {
            StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
            String attach = LateAttachIT.attach(tm.pid(), "metrics.prometheus.port=" + port);
            assertTrue(attach.contains("attached to process " + tm.pid()), attach);
            Prometheus prometheus = new Prometheus(port);
            SlotPeaks peaks = new SlotPeaks(prometheus);
            Map<Long, String> result;
            try (peaks) {
                result = new SkewedSqlJob(ROWS).run(
                        cluster.batchTableEnvironment(AgentMeters.noRestart(SkewedSqlJob.OPTIONS)));
            }
            assertEquals(expected, result, "the exact result after a late attach");
            String log = tm.log();
            assertTrue(log.contains("active (attach) on Flink"), "the TaskManager's log has the attach line:\n" + log);
            assertTrue(log.contains("governs this TaskManager's managed memory: " + TM_MANAGED_BYTES + " bytes"),
                    "the pool spans the TaskManager:\n" + log);
            assertTrue(peaks.hottestSlotPeak() > SLOT_BYTES,
                    "the hot slot of the job after the attach borrowed: " + peaks.peakReservedBySlot());
            AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(prometheus);
            assertEquals(0, after.get(POOL_RESERVED), "every page back");
            assertEquals(0, after.get(FAILOPEN), "no internal failure");
        }
    }
}
