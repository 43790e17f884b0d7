package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.FlinkRest;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.RocksDbCountJob;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.adaptivememory.it.AgentMeters.FAILOPEN;
import static io.adaptivememory.it.AgentMeters.POOL_EARMARKED;
import static io.adaptivememory.it.AgentMeters.POOL_RESERVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a TaskManager with the agent in the middle of a job. A standalone cluster of
 * two TaskManagers runs a streaming job with RocksDB state (the agent governs its managed memory)
 * and checkpoints every second, with Flink's fixed-delay restart strategy. Once a checkpoint has
 * completed, a TaskManager running the job's tasks is killed with SIGKILL (no shutdown hook runs,
 * not the agent's either) and a new TaskManager JVM is started with the agent, as a resource
 * manager would. Flink must recover the job from its checkpoint and give the exact result; the
 * new TaskManager's agent must start clean and govern its slots; no agent reports an internal
 * failure; every surviving pool is empty afterwards.
 */
class TaskManagerCrashIT {

    static final String AGENT_JAR = System.getProperty("agent.jar");
    static final RocksDbCountJob JOB = new RocksDbCountJob(3_000_000, 500);
    static final Path HISTORY = Path.of("target", "standalone", "crash-history").toAbsolutePath();

    @Test
    @Timeout(600)
    void killMinus9_midJob_flinkRecoversOnANewTaskManagerWhoseAgentStartsClean() throws Exception {
        Map<Long, String> expected = JOB.expected();
        TestFiles.deleteRecursively(HISTORY);
        long killedPid;
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .taskManagers(2)
                .agent(AGENT_JAR, Map.of("adaptive.memory.history.dir", HISTORY.toString(),
                        "adaptive.memory.history.slot-sample-interval", "100ms"))
                .workDir(Path.of("target", "standalone", "crash"))
                .start()) {
            Map<String, String> conf = new HashMap<>(cluster.clientConfig());
            conf.put("parallelism.default", String.valueOf(StandaloneCluster.SLOTS_PER_TASK_MANAGER));
            conf.put("execution.checkpointing.interval", "1 s");
            conf.put("restart-strategy.type", "fixed-delay");
            conf.put("restart-strategy.fixed-delay.attempts", "30");
            conf.put("restart-strategy.fixed-delay.delay", "1 s");
            CompletableFuture<Map<Long, String>> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return JOB.run(conf);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            FlinkRest rest = cluster.rest();
            String jobId = awaitCompletedCheckpoint(rest);
            StandaloneCluster.TaskManager victim = runningTheJob(cluster);
            killedPid = victim.pid();
            victim.kill();
            StandaloneCluster.TaskManager replacement = cluster.startTaskManager();

            assertEquals(expected, result.get(300, TimeUnit.SECONDS), "the exact result after the crash");
            JsonNode exceptions = rest.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
            assertTrue(exceptions.size() > 0, "the job failed over once its TaskManager died: " + exceptions);
            System.out.printf("TaskManagerCrashIT: killed %s (pid %d), job %s recovered after %d failure(s) on %s%n",
                    victim.resourceId(), victim.pid(), jobId, exceptions.size(), replacement.resourceId());

            // The job may end on the survivor before the replacement (a JVM starting on a loaded
            // machine) has built its slot table, which is when its pool opens.
            String log = awaitLogLine(replacement, "governs this TaskManager's managed memory");
            assertTrue(log.contains("active (premain) on Flink"), "the new TaskManager's agent started:\n" + log);
            assertTrue(log.contains("governs this TaskManager's managed memory"), "and opened its pool:\n" + log);
            for (StandaloneCluster.TaskManager tm : cluster.taskManagers()) {
                if (tm == victim) {
                    continue;
                }
                AgentMeters.Snapshot after = AgentMeters.awaitEmptyPool(tm.agentPrometheus());
                assertEquals(0, after.get(POOL_RESERVED), tm.resourceId() + ": every page back");
                assertEquals(0, after.get(POOL_EARMARKED), tm.resourceId() + ": every earmark back");
                assertEquals(0, after.get(FAILOPEN), tm.resourceId() + ": no internal failure");
            }
        }
        assertHistoryReadsBack(killedPid);
    }

    /** The TaskManager's log once it has {@code line}, or after 120 s without it. */
    static String awaitLogLine(StandaloneCluster.TaskManager tm, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String log = tm.log();
        while (!log.contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            log = tm.log();
        }
        return log;
    }

    /**
     * The history the TaskManagers wrote, the killed one's included (its files are named after its
     * process id), reads back with the agent's own reader: nothing damaged but, at most, the torn
     * last line of a file the kill interrupted. (The replacement TaskManager writes nothing when
     * the surviving one has room for the recovered job.)
     */
    static void assertHistoryReadsBack(long killedPid) throws Exception {
        String report = AgentJar.run("recommend", "--history", HISTORY.toString());
        Matcher summary = Pattern.compile("history .*: (\\d+) files, (\\d+) consumer records, (\\d+) slot samples, "
                + "(\\d+) problems").matcher(report);
        assertTrue(summary.find(), report);
        assertTrue(Integer.parseInt(summary.group(3)) > 0, "slot samples were written before and after the kill");
        long runs = report.lines().filter(l -> l.matches("  \\S+: \\d+ slots, .*")).count();
        assertTrue(runs >= 2, "the surviving and the killed TaskManager's history:\n" + report);
        assertTrue(report.lines().anyMatch(l -> l.matches("  \\S+-" + killedPid + "-\\S+: \\d+ slots, .*")),
                "the killed TaskManager's history reads back:\n" + report);
        report.lines().filter(l -> l.contains(": skipped: ")).forEach(l ->
                assertTrue(l.contains("torn last line"), "only a torn last line may be damaged: " + l));
        System.out.printf("TaskManagerCrashIT: history of %d TaskManagers read back: %s files, %s slot samples, "
                + "%s skipped lines%n", runs, summary.group(1), summary.group(3), summary.group(4));
    }

    /** Waits until the running job has completed a checkpoint; returns its id. */
    static String awaitCompletedCheckpoint(FlinkRest rest) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (JsonNode job : rest.get("/jobs/overview").path("jobs")) {
                if (job.path("state").asText().equals("RUNNING")) {
                    String id = job.path("jid").asText();
                    if (rest.get("/jobs/" + id + "/checkpoints").path("counts").path("completed").asInt() > 0) {
                        return id;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job never completed a checkpoint");
    }

    /** A TaskManager whose agent governs at least one allocated slot now. */
    static StandaloneCluster.TaskManager runningTheJob(StandaloneCluster cluster) {
        for (StandaloneCluster.TaskManager tm : cluster.taskManagers()) {
            boolean hasSlots = tm.agentPrometheus().scrape().stream()
                    .anyMatch(s -> s.name().equals("adaptive_memory_slot_guarantee_bytes"));
            if (hasSlots) {
                return tm;
            }
        }
        throw new AssertionError("no TaskManager has an allocated slot while the job runs");
    }
}
