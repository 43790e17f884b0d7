package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.StandaloneCluster;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The workload suite: every benchmark workload under four ways of splitting a TaskManager's
 * managed memory, on real standalone Flink clusters, measured the way an operator would measure
 * them, and compared with the project's targets.
 *
 * <h2>Policies</h2>
 * {@code static} is Flink's own split (each slot gets its share and nothing more), {@code fair}
 * and {@code adaptive} are the agent's policies ({@code adaptive.memory.policy} on the
 * TaskManager). The agent is attached under all three, so the same meters measure them.
 * {@code oracle} is {@code static} on slots that are each big enough for the workload's hottest
 * consumer ({@link Workload#oracleSlotBytes()}, chosen as {@link Workloads} says): what a user who
 * knew the demand in advance would configure, at the price of that much memory in every slot. It
 * bounds how fast the workload can go without spilling.
 *
 * <h2>Method</h2>
 * For each (workload, policy) a fresh cluster is started (one JobManager JVM, one TaskManager JVM
 * of 4 slots, {@link StandaloneCluster}), so no run inherits another policy's state. The workload
 * runs {@code warmUps} times unreported, the first at {@value #WARM_UP_FRACTION} of its rows
 * (class loading and code generation), the others at full size so that the TaskManager's JIT has
 * settled (the adaptive policy's estimator sees those runs of the job, as in production, where
 * the same jobs recur), then {@code repeats} times measured ({@link MeasuredRun}). Every result
 * is compared with the one computed in Java: a wrong result ends the suite with a
 * {@link Workload.WrongResultException}. The report gives each measure's
 * median over the repeats (wall time also its range), the medians' ratios against the targets
 * ({@link Targets}), bar charts of the median wall time and spill, and a CSV of every run.
 *
 * <h2>Zero-spill memory</h2>
 * Optionally, for each skewed workload under {@code static}, {@code fair} and {@code adaptive}:
 * the smallest managed memory per slot of a grid at which it spills nothing ("the same speed with
 * less memory"). Spill is deterministic for a given size and does not grow with memory, so each
 * size runs once, on a fresh cluster without warm-up, from the largest size down until one spills
 * ({@link ZeroSpillSweep}).
 *
 * <p>{@code mvn -B -ntp -pl benchmarks -Psuite exec:exec} with the system properties of
 * {@link SuiteSettings}; the integration tests call {@link #run} with a small subset.
 */
public final class WorkloadSuite {

    /** The warm-up run's rows as a fraction of the measured runs' rows. */
    static final double WARM_UP_FRACTION = 0.1;

    /** What a suite run produced; the files are in {@link SuiteSettings#outDir()}. */
    public record Result(
            List<RunRecord> runs,
            List<Summary> summaries,
            List<ZeroSpill> zeroSpill,
            List<Targets.Target> targets,
            Path report,
            Path csv,
            List<Path> charts) {}

    private WorkloadSuite() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        SuiteSettings settings = SuiteSettings.fromSystemProperties();
        if (!Files.isRegularFile(settings.agentJar())) {
            System.err.println("The agent jar " + settings.agentJar() + " does not exist; build it first: mvn -B install -DskipTests");
            System.exit(2);
        }
        Result result = run(settings, System.out);
        System.out.println("report: " + result.report());
        System.exit(0);
    }

    public static Result run(SuiteSettings settings, PrintStream progress) throws Exception {
        Instant started = Instant.now();
        MachineInfo machine = MachineInfo.of(settings.agentJar());
        progress.println("computing the expected results of " + settings.workloads() + " ...");
        List<Workload> workloads = Workloads.named(settings.workloads(), settings.scale());
        List<Workload> smallWarmUps = Workloads.named(settings.workloads(), settings.scale() * WARM_UP_FRACTION);
        List<RunRecord> runs = new ArrayList<>();
        int total = workloads.size() * settings.policies().size();
        int done = 0;
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            for (Policy p : settings.policies()) {
                long slotBytes = p == Policy.ORACLE ? w.oracleSlotBytes() : StandaloneCluster.SLOT_BYTES;
                progress.printf(Locale.ROOT, "[%d/%d, %s] %s under %s, %s per slot%n", ++done, total,
                        elapsed(started), w.name(), p.label(), SuiteReport.mib(slotBytes));
                try (StandaloneCluster cluster = cluster(settings, p, slotBytes)) {
                    measure(w, smallWarmUps.get(i), p, settings.warmUps(), settings.repeats(), cluster, runs, progress);
                }
            }
        }
        List<ZeroSpill> zeroSpill = settings.zeroSpill()
                ? ZeroSpillSweep.run(settings, workloads, runs, progress)
                : List.of();
        List<Summary> summaries = Summary.of(runs);
        List<Targets.Target> targets = Targets.of(workloads, summaries);
        Path out = settings.outDir();
        Path csv = SuiteReport.writeCsv(out, runs);
        List<Path> charts = List.of(SuiteCharts.wallTime(out, summaries), SuiteCharts.spilled(out, summaries));
        Path report = SuiteReport.writeMarkdown(out, settings, machine, started, Instant.now(), workloads,
                summaries, zeroSpill, targets);
        progress.printf(Locale.ROOT, "suite done in %s: %s%n", elapsed(started), report);
        return new Result(runs, summaries, zeroSpill, targets, report, csv, charts);
    }

    /** A cluster whose TaskManager runs the agent with the policy and has {@code slotBytes} per slot. */
    static StandaloneCluster cluster(SuiteSettings settings, Policy policy, long slotBytes) throws Exception {
        return StandaloneCluster.builder()
                .agent(settings.agentJar().toString(), Map.of("adaptive.memory.policy", policy.agentPolicy()))
                .managedMemoryPerSlot(slotBytes)
                .start();
    }

    /**
     * One unreported run of {@code smallWarmUp} and {@code warmUps - 1} of {@code w}, then
     * {@code repeats} measured ones of {@code w}; on failure prints the end of the TaskManager's
     * log, where the cause is.
     */
    private static void measure(Workload w, Workload smallWarmUp, Policy p, int warmUps, int repeats,
            StandaloneCluster cluster, List<RunRecord> runs, PrintStream progress) throws Exception {
        try {
            for (int warmUp = 1; warmUp <= warmUps; warmUp++) {
                long warmUpStart = System.nanoTime();
                (warmUp == 1 ? smallWarmUp : w).job().run(cluster);
                progress.printf(Locale.ROOT, "  warm-up %d/%d%s (not reported): %s%n", warmUp, warmUps,
                        warmUp == 1 ? " at a tenth of the rows" : "",
                        SuiteReport.seconds((System.nanoTime() - warmUpStart) / 1e6));
            }
            for (int repeat = 1; repeat <= repeats; repeat++) {
                RunRecord r = MeasuredRun.run(w, p, repeat, cluster);
                runs.add(r);
                progress.printf(Locale.ROOT, "  repeat %d/%d: %s%n", repeat, repeats, describe(r));
            }
        } catch (Exception e) {
            String log = cluster.taskManagers().get(0).log();
            progress.println("the TaskManager's log ends with:\n" + log.substring(Math.max(0, log.length() - 8000)));
            throw e;
        }
    }

    static String describe(RunRecord r) {
        return String.format(Locale.ROOT, "%s, spilled %s, hot slot peak %s, peak RSS %s, utilisation %.1f %%,"
                        + " reclaim waits %d (%.2f s)", SuiteReport.seconds(r.wallMillis()),
                SuiteReport.bytes(r.spilledBytes()), SuiteReport.bytes(r.hotSlotPeakBytes()),
                SuiteReport.bytes(r.peakRssBytes()), 100 * r.utilisation(), r.reclaimWaits(), r.reclaimWaitSeconds());
    }

    private static String elapsed(Instant since) {
        Duration d = Duration.between(since, Instant.now());
        return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
    }
}
