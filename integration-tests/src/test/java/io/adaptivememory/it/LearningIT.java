package io.adaptivememory.it;

import io.adaptivememory.bench.cluster.Prometheus;
import io.adaptivememory.bench.cluster.StandaloneCluster;
import io.adaptivememory.bench.workload.HistoryRecording;
import io.adaptivememory.bench.workload.SkewedSqlJob;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learning loop on real TaskManager JVMs, as an operator runs it: a TaskManager with
 * {@code -Dadaptive.memory.history.dir} records a real history of several workloads (sorts, hash
 * joins, hash aggregations, a DataStream BATCH sort, RocksDB) at two parallelisms; the agent jar's
 * offline commands ({@code java -jar adaptive-memory-agent.jar train|evaluate|simulate|recommend})
 * run on it; and a new TaskManager started with {@code -Dadaptive.memory.model} warm-starts its
 * estimator from the trained model, predicts from it at once, and runs a job exactly. A model file
 * that fails validation is refused with the reason and the TaskManager runs without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LearningIT {

    static final String AGENT_JAR = AgentJar.PATH;
    static final Path WORK = Path.of("target", "learning").toAbsolutePath();
    static final Path HISTORY = WORK.resolve("history");
    static final Path MODEL = WORK.resolve("demand.model");
    static final long TM_MANAGED_BYTES = StandaloneCluster.SLOTS_PER_TASK_MANAGER * StandaloneCluster.SLOT_BYTES;
    static final Set<String> KINDS = Set.of("sort", "hash_join", "hash_agg", "datastream_sort", "rocksdb");

    @Test
    @Order(1)
    @Timeout(900)
    void recordedHistory_isCompleteStrictAndOwnerOnly() throws Exception {
        TestFiles.deleteRecursively(WORK);
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .agent(AGENT_JAR, Map.of("adaptive.memory.history.dir", HISTORY.toString(),
                        "adaptive.memory.history.slot-sample-interval", "500ms"))
                .workDir(WORK.resolve("recording"))
                .start()) {
            List<String> wrong = HistoryRecording.record(cluster, 2, 0.25, new int[] {2, 4}, System.out);
            assertEquals(List.of(), wrong, "every recorded job gave its exact result");
            AgentMeters.awaitEmptyPool(cluster.taskManagers().get(0).agentPrometheus());
        }

        List<Map<String, String>> consumers = lines("consumers-");
        List<Map<String, String>> slots = lines("slots-");
        assertTrue(consumers.size() > 100, consumers.size() + " consumer records");
        assertTrue(slots.size() > 10, slots.size() + " slot samples");
        Set<String> kinds = new HashSet<>();
        Set<String> jobs = new HashSet<>();
        Set<String> parallelisms = new HashSet<>();
        for (Map<String, String> r : consumers) {
            kinds.add(r.get("kind"));
            jobs.add(r.get("job"));
            parallelisms.add(r.get("parallelism"));
            long peak = Long.parseLong(r.get("peak_bytes"));
            assertTrue(peak >= 0 && peak <= TM_MANAGED_BYTES, "peak within the TaskManager: " + r);
            assertTrue(Integer.parseInt(r.get("slot")) < Integer.parseInt(r.get("slots")), "slot below the slot count");
        }
        assertTrue(kinds.containsAll(KINDS), "every kind of consumer recorded: " + kinds);
        assertEquals(24, jobs.size(), "one run per job: " + jobs.size());
        assertEquals(Set.of("2", "4"), parallelisms);
        try (Stream<Path> files = Files.list(HISTORY)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(HISTORY)));
    }

    @Test
    @Order(2)
    @Timeout(300)
    void offlineCommands_onTheRealHistory_trainEvaluateSimulateRecommend() throws Exception {
        String train = AgentJar.run("train", "--history", HISTORY.toString(), "--out", MODEL.toString(),
                "--min-rows", "8", "--epochs", "200");
        assertTrue(train.contains("chosen") || train.contains("linear"), train);
        assertTrue(Files.isRegularFile(MODEL), "the model file is written");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(MODEL)));

        Path report = WORK.resolve("report");
        String evaluate = AgentJar.run("evaluate", "--history", HISTORY.toString(), "--model", MODEL.toString(),
                "--report", report.toString());
        for (String predictor : List.of("model", "flink-static", "last-value", "ewma-0.5", "p95")) {
            assertTrue(evaluate.contains(predictor), "evaluation reports " + predictor + ":\n" + evaluate);
        }
        assertTrue(Files.readString(report.resolve("evaluation.md")).contains("grant accuracy"));
        assertTrue(Files.readString(report.resolve("evaluation.svg")).startsWith("<svg"));

        String simulate = AgentJar.run("simulate", "--history", HISTORY.toString(), "--policies",
                "static,fair,adaptive,adaptive+recorded");
        Matcher violations = Pattern.compile("invariant violations\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)")
                .matcher(simulate);
        assertTrue(violations.find(), simulate);
        for (int i = 1; i <= 4; i++) {
            assertEquals("0", violations.group(i), "no invariant violation in any policy:\n" + simulate);
        }

        String recommend = AgentJar.run("recommend", "--history", HISTORY.toString());
        Matcher size = Pattern.compile("taskmanager\\.memory\\.managed\\.size: (\\d+)m").matcher(recommend);
        assertTrue(size.find(), recommend);
        long peakSummedReserved = peakSummedReserved();
        assertTrue(Long.parseLong(size.group(1)) << 20 >= peakSummedReserved,
                "never below what the history shows in use at once (" + peakSummedReserved + " bytes):\n" + recommend);
        assertTrue(recommend.contains("taskmanager.memory.managed.consumer-weights: OPERATOR:"), recommend);
    }

    @Test
    @Order(3)
    @Timeout(300)
    void newTaskManager_withTheTrainedModel_predictsFromItAtOnce() throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .agent(AGENT_JAR, Map.of("adaptive.memory.model", MODEL.toString()))
                .workDir(WORK.resolve("warm-start"))
                .start()) {
            StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
            Map<Long, String> result = new SkewedSqlJob(150_000)
                    .run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
            assertEquals(new SkewedSqlJob(150_000).expected(), result, "the exact result");
            List<Prometheus.Sample> scrape = tm.agentPrometheus().scrape();
            assertTrue(tm.log().contains("estimator warm-started from " + MODEL), tm.log());
            assertEquals(1.0, Prometheus.valueOrZero(scrape, "adaptive_memory_model_loaded"));
            double fromModel = Prometheus.value(scrape, "adaptive_memory_estimator_predictions_total",
                    s -> "prior".equals(s.label("source"))).orElse(0);
            assertTrue(fromModel > 0, "the first job's consumers were predicted by the trained model");
            assertEquals(0, Prometheus.valueOrZero(scrape, AgentMeters.FAILOPEN), "no internal failure");
        }
    }

    @Test
    @Order(4)
    @Timeout(300)
    void corruptModelFile_isRefusedWithTheReason_andTheTaskManagerRunsWithoutIt() throws Exception {
        Path corrupt = WORK.resolve("corrupt.model");
        String model = Files.readString(MODEL);
        // The first weight of whichever model kind train picked (linear: weights; network: hidden).
        String broken = model.replaceFirst("(?m)^(weights|hidden) [-0-9.eE]+", "$1 NaN");
        assertNotEquals(model, broken, "the trained model has a weight to break:\n" + model);
        Files.writeString(corrupt, broken);
        try (StandaloneCluster cluster = StandaloneCluster.builder()
                .agent(AGENT_JAR, Map.of("adaptive.memory.model", corrupt.toString()))
                .workDir(WORK.resolve("corrupt-model"))
                .start()) {
            StandaloneCluster.TaskManager tm = cluster.taskManagers().get(0);
            Map<Long, String> result = new SkewedSqlJob(150_000)
                    .run(cluster.batchTableEnvironment(SkewedSqlJob.OPTIONS));
            assertEquals(new SkewedSqlJob(150_000).expected(), result, "the exact result");
            assertTrue(tm.log().contains("refused the model file " + corrupt), tm.log());
            List<Prometheus.Sample> scrape = tm.agentPrometheus().scrape();
            assertEquals(0.0, Prometheus.valueOrZero(scrape, "adaptive_memory_model_loaded"));
            assertEquals(0, Prometheus.valueOrZero(scrape, AgentMeters.FAILOPEN), "no internal failure");
        }
    }

    /** The highest sum of the slots' reserved bytes in one sampling round of one TaskManager. */
    static long peakSummedReserved() throws IOException {
        Map<String, Long> byRound = new java.util.HashMap<>();
        for (Map<String, String> s : lines("slots-")) {
            byRound.merge(s.get("tm") + "@" + s.get("time_ms"), Long.parseLong(s.get("reserved_bytes")), Long::sum);
        }
        return byRound.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The data lines of every history file starting with {@code prefix}, column name -> value (docs/HISTORY.md). */
    static List<Map<String, String>> lines(String prefix) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(HISTORY)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                String[] columns = all.get(1).split(",");
                for (String line : all.subList(2, all.size())) {
                    String[] values = line.split(",", -1);
                    assertEquals(columns.length, values.length, f + ": " + line);
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < columns.length; i++) {
                        row.put(columns[i], values[i]);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
