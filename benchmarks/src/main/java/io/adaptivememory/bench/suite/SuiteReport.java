package io.adaptivememory.bench.suite;

import io.adaptivememory.bench.cluster.StandaloneCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes a suite run as Markdown ({@code report.md}) and every run as CSV ({@code runs.csv}). */
final class SuiteReport {

    private SuiteReport() {}

    static Path writeCsv(Path dir, List<RunRecord> runs) throws IOException {
        StringBuilder csv = new StringBuilder("workload,policy,kind,repeat,slot_mib,wall_ms,spilled_bytes,"
                + "peak_rss_bytes,utilisation,hot_slot_peak_bytes,reclaim_waits,reclaim_wait_seconds\n");
        for (RunRecord r : runs) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%d,%.4f,%d,%d,%.3f%n", r.workload(),
                    r.policy().label(), r.repeat() == 0 ? "zero-spill" : "measured", r.repeat(), r.slotBytes() >> 20,
                    r.wallMillis(), r.spilledBytes(), r.peakRssBytes(), r.utilisation(), r.hotSlotPeakBytes(),
                    r.reclaimWaits(), r.reclaimWaitSeconds()));
        }
        return write(dir.resolve("runs.csv"), csv.toString());
    }

    static Path writeMarkdown(Path dir, SuiteSettings settings, MachineInfo machine, Instant started, Instant finished,
            List<Workload> workloads, List<Summary> summaries, List<ZeroSpill> zeroSpill, List<Targets.Target> targets)
            throws IOException {
        StringBuilder md = new StringBuilder("# Workload suite: static vs fair vs adaptive vs oracle\n\n");
        md.append("- date: ").append(finished.truncatedTo(ChronoUnit.SECONDS)).append(" (took ")
                .append(Duration.between(started, finished).toMinutes()).append(" min)\n");
        md.append(String.format(Locale.ROOT, "- machine: %d CPUs (%s), %s RAM%n", machine.cpus(), machine.cpuModel(),
                gib(machine.memoryBytes())));
        md.append("- JVM: ").append(machine.jvm()).append('\n');
        md.append("- Flink: ").append(machine.flinkVersion()).append('\n');
        md.append("- agent: `").append(settings.agentJar()).append("`, sha256 `").append(machine.agentSha256()).append("`\n");
        md.append(String.format(Locale.ROOT, "- cluster: a fresh standalone cluster per (workload, policy) and per"
                        + " sweep point: one JobManager JVM and one TaskManager JVM of %d slots (-Xmx528m,"
                        + " -XX:MaxDirectMemorySize=384m, 256 MiB network memory), %s managed memory per slot"
                        + " except for the oracle and the sweep; the agent on the TaskManager with only"
                        + " `adaptive.memory.policy` set%n",
                StandaloneCluster.SLOTS_PER_TASK_MANAGER, mib(StandaloneCluster.SLOT_BYTES)));
        md.append(String.format(Locale.ROOT, "- settings: %d measured repeats after %d unreported warm-up runs (the first at a tenth of the"
                        + " rows); scale %s; policies %s; zero-spill sweep %s over %s per slot%n", settings.repeats(),
                settings.warmUps(),
                settings.scale(), settings.policies().stream().map(Policy::label).collect(Collectors.joining(", ")),
                settings.zeroSpill() ? "on" : "off",
                settings.gridSlotBytes().stream().map(SuiteReport::mib).collect(Collectors.joining(", "))));
        md.append("- command: `mvn -B -ntp -pl benchmarks -Psuite exec:exec -Dagent.jar=").append(settings.agentJar())
                .append(" -Dsuite.warm-ups=").append(settings.warmUps())
                .append(" -Dsuite.repeats=").append(settings.repeats())
                .append(" -Dsuite.workloads=").append(String.join(",", settings.workloads()))
                .append(" -Dsuite.policies=").append(settings.policies().stream().map(Policy::label)
                        .collect(Collectors.joining(",")))
                .append(" -Dsuite.zero-spill=").append(settings.zeroSpill())
                .append(" -Dsuite.scale=").append(settings.scale())
                .append(" -Dsuite.grid-mib=").append(settings.gridSlotBytes().stream().map(b -> String.valueOf(b >> 20))
                        .collect(Collectors.joining(",")))
                .append(" -Dsuite.out=").append(settings.outDir()).append("`\n\n");

        md.append("## Workloads\n\n| workload | jobs | skewed | oracle managed memory per slot |\n|---|---|---|---|\n");
        for (Workload w : workloads) {
            md.append("| ").append(w.name()).append(" | ").append(w.description()).append(" | ")
                    .append(w.skewed() ? "yes" : "no").append(" | ").append(mib(w.oracleSlotBytes())).append(" |\n");
        }

        md.append("\n## Results\n\nMedians of the measured repeats (wall time also min-max). Spilled: delta of"
                + " `adaptive_memory_spilled_bytes_total`. Hot slot: highest `adaptive_memory_slot_reserved_peak_bytes`."
                + " RSS: the TaskManager's highest `VmRSS`, sampled every 100 ms. Utilisation: time-weighted"
                + " `adaptive_memory_pool_reserved_bytes` / pool total. Reclaim waits: deltas of"
                + " `adaptive_memory_reclaim_wait_seconds_count` and `_sum`.\n\n");
        md.append("| workload | policy | slot | runs | wall | wall min-max | spilled | hot slot peak | peak RSS"
                + " | utilisation | reclaim waits | reclaim wait time |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary s : summaries) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %.2f-%.2f s | %s | %s | %s | %.1f %% | %.0f | %.2f s |%n",
                    s.workload(), s.policy().label(), mib(s.slotBytes()), s.runs(), seconds(s.wallMillis()),
                    s.wallMinMillis() / 1000, s.wallMaxMillis() / 1000, bytes(s.spilledBytes()),
                    bytes(s.hotSlotPeakBytes()), bytes(s.peakRssBytes()), 100 * s.utilisation(), s.reclaimWaits(),
                    s.reclaimWaitSeconds()));
        }

        if (!zeroSpill.isEmpty()) {
            md.append("\n## Zero-spill memory\n\nThe smallest managed memory per slot of the grid at which the"
                    + " workload spilled nothing (one run per size, largest first, stopping below the first size that"
                    + " spilled). \"> N MiB\" means it spilled at every size of the grid.\n\n");
            List<Policy> policies = zeroSpill.stream().map(ZeroSpill::policy).distinct().toList();
            md.append("| workload |").append(policies.stream().map(p -> " " + p.label() + " |").collect(Collectors.joining()))
                    .append("\n|---|").append("---|".repeat(policies.size())).append('\n');
            for (String w : zeroSpill.stream().map(ZeroSpill::workload).distinct().toList()) {
                md.append("| ").append(w).append(" |");
                for (Policy p : policies) {
                    md.append(' ').append(zeroSpill.stream().filter(z -> z.workload().equals(w) && z.policy() == p)
                            .findFirst().map(z -> z.found() ? mib(z.slotBytes())
                                    : "> " + mib(settings.gridSlotBytes().get(settings.gridSlotBytes().size() - 1)))
                            .orElse("-")).append(" |");
                }
                md.append('\n');
            }
        }

        md.append("\n## Targets\n\nFrom the medians above. \"at least as good as fair\": spills no more, wall time at"
                + " most 1.02 x (the noise allowance of the balanced target).\n\n");
        if (targets.isEmpty()) {
            md.append("None: the policies run give no ratio (each needs adaptive and static, oracle or fair).\n");
        } else {
            md.append("| workload | measure | value | target | status |\n|---|---|---|---|---|\n");
        }
        for (Targets.Target t : targets) {
            md.append("| ").append(t.workload()).append(" | ").append(t.measure()).append(" | ").append(t.value())
                    .append(" | ").append(t.threshold()).append(" | ")
                    .append(t.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" |\n");
        }

        md.append("\n## Charts\n\n![median wall time](wall-time.png)\n\n![median spilled bytes](spilled.png)\n\n"
                + "Every run (warm-ups excepted, sweep runs as kind `zero-spill`): [runs.csv](runs.csv)\n");
        return write(dir.resolve("report.md"), md.toString());
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static String bytes(double bytes) {
        return bytes == 0 ? "0" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }

    static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }
}
