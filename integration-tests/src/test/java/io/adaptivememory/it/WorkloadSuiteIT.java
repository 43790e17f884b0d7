package io.adaptivememory.it;

import io.adaptivememory.bench.suite.Policy;
import io.adaptivememory.bench.suite.RunRecord;
import io.adaptivememory.bench.suite.SuiteSettings;
import io.adaptivememory.bench.suite.WorkloadSuite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A smoke run of the workload suite through its own entry point ({@link WorkloadSuite#run}) on
 * real standalone clusters: the skewed sort aggregation and the balanced sort at reduced row
 * counts, under {@code static} and {@code adaptive}, one measured repeat each, no zero-spill sweep.
 * Every result is checked by the suite itself (a wrong one throws); the test checks what the suite
 * wrote and one behaviour, not timing: the skewed job spills under Flink's static split and not
 * under the adaptive policy.
 */
class WorkloadSuiteIT {

    static final List<String> WORKLOADS = List.of("skewed-sort-agg", "balanced");
    static final List<Policy> POLICIES = List.of(Policy.STATIC, Policy.ADAPTIVE);
    /** 1.05 M rows for the skewed job: its hot sorter needs ~80 MiB, more than the 64 MiB share (900 k do not spill). */
    static final double SCALE = 0.7;
    static final Path OUT = Path.of("target", "workload-suite").toAbsolutePath();
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    @Timeout(180)
    void smokeSubset_staticAndAdaptive_exactResultsReportWrittenAndOnlyStaticSpillsTheSkewedJob() throws Exception {
        SuiteSettings settings = new SuiteSettings(Path.of(AgentJar.PATH).toAbsolutePath(), OUT, WORKLOADS, POLICIES,
                1, 1, SCALE, false, SuiteSettings.DEFAULT_GRID);

        WorkloadSuite.Result result = WorkloadSuite.run(settings, System.out);

        assertEquals(WORKLOADS.size() * POLICIES.size(), result.runs().size(), "one measured run per workload x policy");
        String report = Files.readString(result.report());
        for (String w : WORKLOADS) {
            for (Policy p : POLICIES) {
                assertTrue(report.contains("| " + w + " | " + p.label() + " |"),
                        "the results table has a row for " + w + " under " + p.label() + ":\n" + report);
            }
        }
        assertTrue(report.contains("## Targets"), "the report has its targets table");
        assertEquals(1 + result.runs().size(), Files.readAllLines(result.csv()).size(), "a CSV line per run");
        assertEquals(2, result.charts().size(), "wall time and spill charts");
        for (Path chart : result.charts()) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(chart), PNG_MAGIC.length);
            assertArrayEquals(PNG_MAGIC, head, chart + " is a PNG");
        }

        assertTrue(spilled("skewed-sort-agg", Policy.STATIC, result) > 0,
                "the hot sorter spills under Flink's static share: " + result.runs());
        assertEquals(0, spilled("skewed-sort-agg", Policy.ADAPTIVE, result),
                "the hot sorter borrows the idle slots' memory instead of spilling: " + result.runs());
    }

    private static long spilled(String workload, Policy policy, WorkloadSuite.Result result) {
        return result.runs().stream()
                .filter(r -> r.workload().equals(workload) && r.policy() == policy)
                .mapToLong(RunRecord::spilledBytes)
                .sum();
    }
}
