package io.adaptivememory.bench.suite;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a suite run covers. {@link #fromSystemProperties()} reads them as the Maven profile passes
 * them; the defaults are the full suite.
 *
 * @param agentJar the shaded agent jar, attached to every TaskManager ({@code agent.jar})
 * @param outDir where the report, the CSV and the charts go ({@code suite.out}, default
 *     {@code benchmarks/target/suite})
 * @param workloads names from {@link Workloads#NAMES} ({@code suite.workloads}, comma-separated;
 *     default all)
 * @param policies ({@code suite.policies}, comma-separated; default all four)
 * @param warmUps unreported runs per workload and policy before the measured ones, the first at
 *     a tenth of the rows, the others at full size ({@code suite.warm-ups}, default 4: in the
 *     balanced job's cells the wall time still fell by half over 7 measured runs after one
 *     warm-up, more than the differences between policies)
 * @param repeats measured runs per workload and policy ({@code suite.repeats}, default 5)
 * @param scale factor on every workload's row counts ({@code suite.scale}, default 1; smaller for
 *     smoke runs, whose oracle sizes and spill then no longer fit the row counts)
 * @param zeroSpill whether to run the zero-spill sweep ({@code suite.zero-spill}, default true)
 * @param gridSlotBytes the sweep's managed memory sizes per slot ({@code suite.grid-mib},
 *     comma-separated MiB; default {@link #DEFAULT_GRID})
 */
public record SuiteSettings(
        Path agentJar,
        Path outDir,
        List<String> workloads,
        List<Policy> policies,
        int warmUps,
        int repeats,
        double scale,
        boolean zeroSpill,
        List<Long> gridSlotBytes) {

    public static final List<Long> DEFAULT_GRID = List.of(16L << 20, 32L << 20, 64L << 20, 128L << 20, 256L << 20);

    public SuiteSettings {
        if (warmUps < 1) {
            throw new IllegalArgumentException("suite.warm-ups must be at least 1: " + warmUps);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("suite.repeats must be at least 1: " + repeats);
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("suite.scale must be positive: " + scale);
        }
        if (workloads.isEmpty() || policies.isEmpty()) {
            throw new IllegalArgumentException("at least one workload and one policy");
        }
        gridSlotBytes = gridSlotBytes.stream().sorted().toList();
    }

    public static SuiteSettings fromSystemProperties() {
        return new SuiteSettings(
                Path.of(System.getProperty("agent.jar", "agent/target/adaptive-memory-agent.jar")).toAbsolutePath(),
                Path.of(System.getProperty("suite.out", "benchmarks/target/suite")).toAbsolutePath(),
                list("suite.workloads", String.join(",", Workloads.NAMES)),
                list("suite.policies", "static,fair,adaptive,oracle").stream().map(Policy::of).toList(),
                Integer.parseInt(System.getProperty("suite.warm-ups", "4")),
                Integer.parseInt(System.getProperty("suite.repeats", "5")),
                Double.parseDouble(System.getProperty("suite.scale", "1")),
                Boolean.parseBoolean(System.getProperty("suite.zero-spill", "true")),
                list("suite.grid-mib", "16,32,64,128,256").stream().map(mib -> Long.parseLong(mib) << 20).toList());
    }

    private static List<String> list(String property, String defaults) {
        String value = System.getProperty(property, "");
        return Arrays.stream((value.isBlank() ? defaults : value).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
