package io.adaptivememory.bench.jmh;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the selected JMH benchmarks with and without the agent, with the same options except
 * that the agent-on forks also get {@code -javaagent:<agent.jar>}, then prints both side by
 * side: time per operation and the ratio on/off, allocation per operation
 * ({@code gc.alloc.rate.norm}, present with {@code -prof gc}) and the difference on - off.
 *
 * <p>JMH annotations cannot name a path that is only known at build time, so the agent-on
 * variant is made here, from {@code -Dagent.jar}, which the {@code jmh} Maven profile sets.
 * Arguments are JMH's own command line ({@code -f 2 -i 5 -prof gc ...}). The {@code -f} forks
 * of each variant run as rounds of one fork each, off and on alternating (off, on, then on,
 * off, ...), so that a change in the machine's load during the run hits both variants alike
 * instead of whichever ran second; the rounds' results are then merged per benchmark, as JMH
 * merges forks. A result file given with {@code -rff}/{@code -rf} is written per variant with
 * {@code .agent-off} / {@code .agent-on} before its extension. Unlike plain JMH, a failing
 * benchmark fails the run ({@code -foe true}) unless told otherwise, because a fork whose agent
 * did not govern the slot must not produce a number.
 */
public final class AgentOffOn {

    /** The targets of the hook overhead, checked in the summary: at most 5 % slower... */
    static final double MAX_TIME_RATIO = 1.05;
    /** ...and not one byte allocated per operation. */
    static final double MAX_EXTRA_BYTES_PER_OP = 0.0;
    /**
     * Differences in B/op smaller than this are measurement noise: {@code gc.alloc.rate.norm}
     * divides the allocation of all threads (JMH's, the GC notifications of {@code -prof gc})
     * by the operations, which moves it by fractions of a byte between iterations of the same
     * variant, while one object allocated per operation adds at least 16 B/op.
     */
    static final double ALLOCATION_RESOLUTION_BYTES = 1.0;
    /** Without it, large page allocations run bimodally between forks (see the jmh profile). */
    private static final String MALLOC_TRIM = "MALLOC_TRIM_THRESHOLD_";
    /** Forks per variant when {@code -f} is not given. */
    static final int DEFAULT_FORKS = 2;

    private static final String ALLOCATION = "gc.alloc.rate.norm";

    private AgentOffOn() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        int forks = cli.getForkCount().orElse(DEFAULT_FORKS);
        if (forks < 1) {
            throw new IllegalArgumentException("-f " + forks + ": the agent can only be attached to a forked JVM");
        }
        String agent = agentJar();
        if (System.getenv(MALLOC_TRIM) == null) {
            System.out.println("# AgentOffOn: " + MALLOC_TRIM + " is not set, so glibc may return large freed "
                    + "allocations to the OS in some forks and not others; expect bimodal times for many pages");
        }
        List<String> offArgs = new ArrayList<>(cli.getJvmArgsAppend().orElse(List.of()));
        List<String> onArgs = new ArrayList<>(offArgs);
        onArgs.add("-javaagent:" + agent);
        // Rounds write no result file of their own; the merged results are written below.
        CommandLineOptions perRound = new CommandLineOptions(withoutResultFile(args));
        Options off = options(perRound, offArgs);
        Options on = options(perRound, onArgs);
        List<RunResult> offRuns = new ArrayList<>();
        List<RunResult> onRuns = new ArrayList<>();
        for (int round = 0; round < forks; round++) {
            boolean offFirst = round % 2 == 0;
            System.out.println("# AgentOffOn round " + (round + 1) + " of " + forks + ": agent "
                    + (offFirst ? "off, then on" : "on, then off"));
            if (offFirst) {
                offRuns.addAll(new Runner(off).run());
                onRuns.addAll(new Runner(on).run());
            } else {
                onRuns.addAll(new Runner(on).run());
                offRuns.addAll(new Runner(off).run());
            }
        }
        Collection<RunResult> offMerged = merge(offRuns);
        Collection<RunResult> onMerged = merge(onRuns);
        write(cli, offMerged, "agent-off");
        write(cli, onMerged, "agent-on");
        PrintStream out = System.out;
        out.println();
        out.println("Agent off (" + forks + " forks merged):");
        ResultFormatFactory.getInstance(ResultFormatType.TEXT, out).writeOut(offMerged);
        out.println();
        out.println("Agent on (" + forks + " forks merged):");
        ResultFormatFactory.getInstance(ResultFormatType.TEXT, out).writeOut(onMerged);
        print(offMerged, onMerged, agent, out);
    }

    private static String agentJar() {
        String property = System.getProperty("agent.jar");
        if (property == null || property.isBlank()) {
            throw new IllegalArgumentException("-Dagent.jar=<path to adaptive-memory-agent.jar> is required "
                    + "(mvn -pl benchmarks -Pjmh exec:exec sets it)");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " does not exist; build the agent first "
                    + "(mvn -B -o -q install -DskipTests)");
        }
        return jar.toString();
    }

    /** The command line without {@code -rf}/{@code -rff} and their values. */
    private static String[] withoutResultFile(String[] args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-rf") || a.equals("-rff")) {
                i++;
            } else if (!a.startsWith("-rf=") && !a.startsWith("-rff=")) {
                kept.add(a);
            }
        }
        return kept.toArray(new String[0]);
    }

    /** One round's options: the command line's, with one fork and these JVM args. */
    private static Options options(CommandLineOptions cli, List<String> jvmArgsAppend) {
        return new OptionsBuilder()
                .parent(cli)
                .forks(1)
                .jvmArgsAppend(jvmArgsAppend.toArray(new String[0]))
                .shouldFailOnError(cli.shouldFailOnError().orElse(true))
                .build();
    }

    /** Merges the rounds' results per benchmark and parameters, as JMH merges forks. */
    private static Collection<RunResult> merge(List<RunResult> runs) {
        Map<String, List<BenchmarkResult>> forks = new LinkedHashMap<>();
        Map<String, RunResult> first = new LinkedHashMap<>();
        for (RunResult run : runs) {
            String key = run.getParams().getBenchmark() + " " + params(run);
            first.putIfAbsent(key, run);
            forks.computeIfAbsent(key, k -> new ArrayList<>()).addAll(run.getBenchmarkResults());
        }
        List<RunResult> merged = new ArrayList<>();
        for (Map.Entry<String, RunResult> e : first.entrySet()) {
            merged.add(new RunResult(e.getValue().getParams(), forks.get(e.getKey())));
        }
        merged.sort(RunResult.DEFAULT_SORT_COMPARATOR);
        return merged;
    }

    private static void write(CommandLineOptions cli, Collection<RunResult> results, String variant) {
        if (!cli.getResult().hasValue() && !cli.getResultFormat().hasValue()) {
            return;
        }
        ResultFormatType format = cli.getResultFormat().orElse(ResultFormatType.CSV);
        String file = cli.getResult().orElse("jmh-result." + format.toString().toLowerCase(Locale.ROOT));
        int dot = file.lastIndexOf('.');
        String named = dot > file.lastIndexOf('/')
                ? file.substring(0, dot) + "." + variant + file.substring(dot)
                : file + "." + variant;
        ResultFormatFactory.getInstance(format, named).writeOut(results);
    }

    // ------------------------------------------------------------------------
    //  Summary
    // ------------------------------------------------------------------------

    static void print(Collection<RunResult> off, Collection<RunResult> on, String agent, PrintStream out) {
        Map<String, RunResult> offByKey = byKey(off);
        Map<String, RunResult> onByKey = byKey(on);
        out.println();
        out.println("Agent off vs on (forks differ only by -javaagent:" + agent + ")");
        out.println("targets: time on/off <= " + MAX_TIME_RATIO + ", allocation on - off <= +"
                + (long) MAX_EXTRA_BYTES_PER_OP + " B/op");
        out.printf(Locale.ROOT, "%-50s %-16s %22s %22s %15s %14s %12s %12s %10s  %s%n",
                "Benchmark", "Params", "off", "on", "on/off", "fork medians", "off B/op", "on B/op", "delta",
                "verdict");
        for (Map.Entry<String, RunResult> e : offByKey.entrySet()) {
            RunResult a = e.getValue();
            RunResult b = onByKey.get(e.getKey());
            if (b == null) {
                out.println(e.getKey() + ": no agent-on result");
                continue;
            }
            Result<?> ta = a.getPrimaryResult();
            Result<?> tb = b.getPrimaryResult();
            double ratio = tb.getScore() / ta.getScore();
            double ratioError = ratio * Math.hypot(relative(ta), relative(tb));
            Result<?> ba = allocation(a);
            Result<?> bb = allocation(b);
            boolean timeOk = ratio <= MAX_TIME_RATIO;
            String bytesOff = ba == null ? "n/a" : format(ba.getScore());
            String bytesOn = bb == null ? "n/a" : format(bb.getScore());
            String delta = "n/a";
            boolean bytesOk = true;
            if (ba != null && bb != null) {
                double d = bb.getScore() - ba.getScore();
                delta = String.format(Locale.ROOT, "%+.3f", d);
                bytesOk = d < MAX_EXTRA_BYTES_PER_OP + ALLOCATION_RESOLUTION_BYTES;
            }
            out.printf(Locale.ROOT, "%-50s %-16s %22s %22s %15s %14s %12s %12s %10s  %s%n",
                    shortName(a.getParams().getBenchmark()),
                    params(a),
                    withError(ta),
                    withError(tb),
                    String.format(Locale.ROOT, "%.3f ± %.3f", ratio, ratioError),
                    String.format(Locale.ROOT, "%.3f", medianOfForks(b) / medianOfForks(a)),
                    bytesOff,
                    bytesOn,
                    delta,
                    (timeOk ? "time ok" : "TIME MISSED") + ", " + (ba == null ? "no -prof gc" : bytesOk ? "B/op ok" : "B/op MISSED"));
        }
        out.println("(times with JMH's 99.9% confidence half-width; the ratio's error combines both; 'fork medians' "
                + "is the ratio of the median fork means, which a fork disturbed by other load on the machine does "
                + "not move; the verdict uses the plain ratio; B/op deltas below " + ALLOCATION_RESOLUTION_BYTES
                + " count as +0, the measurement's resolution)");
    }

    /** The median over forks of each fork's mean score. */
    private static double medianOfForks(RunResult r) {
        double[] means = r.getBenchmarkResults().stream()
                .mapToDouble(fork -> fork.getPrimaryResult().getScore())
                .sorted()
                .toArray();
        int n = means.length;
        return n % 2 == 1 ? means[n / 2] : (means[n / 2 - 1] + means[n / 2]) / 2;
    }

    private static Map<String, RunResult> byKey(Collection<RunResult> results) {
        Map<String, RunResult> map = new LinkedHashMap<>();
        for (RunResult r : results) {
            map.put(r.getParams().getBenchmark() + " " + params(r), r);
        }
        return map;
    }

    private static String params(RunResult r) {
        Map<String, String> sorted = new TreeMap<>();
        for (String key : r.getParams().getParamsKeys()) {
            sorted.put(key, r.getParams().getParam(key));
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }

    private static Result<?> allocation(RunResult r) {
        for (String label : r.getSecondaryResults().keySet()) {
            if (label.endsWith(ALLOCATION)) {
                return r.getSecondaryResults().get(label);
            }
        }
        return null;
    }

    /** The 99.9% half-width relative to the score; zero when JMH has too few samples for one. */
    private static double relative(Result<?> r) {
        double error = r.getScoreError();
        return Double.isNaN(error) ? 0 : error / r.getScore();
    }

    private static String withError(Result<?> r) {
        return Double.isNaN(r.getScoreError())
                ? String.format(Locale.ROOT, "%.1f %s", r.getScore(), r.getScoreUnit())
                : String.format(Locale.ROOT, "%.1f ± %.1f %s", r.getScore(), r.getScoreError(), r.getScoreUnit());
    }

    private static String format(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes);
    }

    private static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }
}
