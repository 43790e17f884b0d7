package io.adaptivememory.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The side-by-side comparison the {@code simulate} command prints: one row per measure, one
 * column per policy, as aligned text or as a Markdown table. "Avoided" is the static run's
 * spilled bytes minus the policy's.
 */
final class ComparisonTable {

    private static final double MIB = 1024.0 * 1024.0;

    private record Row(String measure, Function<SimulationResult, String> cell) {}

    private final List<SimulationResult> results;
    private final List<Row> rows;

    ComparisonTable(List<SimulationResult> results, SimulationResult staticBaseline) {
        this.results = List.copyOf(results);
        this.rows = List.of(
                new Row("spilled (MiB)", r -> mib(r.spilledBytes())),
                new Row("spill avoided vs static (MiB)", r -> mib(staticBaseline.spilledBytes() - r.spilledBytes())),
                new Row("consumers that spilled", r -> String.valueOf(r.spilledConsumers())),
                new Row("consumers failed", r -> String.valueOf(r.failedConsumers())),
                new Row("reclaim waits", r -> String.valueOf(r.reclaimWaits())),
                new Row("reclaim shortfall (MiB)", r -> mib(r.reclaimShortfallBytes())),
                new Row("mean waste (MiB)", r -> mib(r.meanWasteBytes())),
                new Row("utilisation (%)", r -> String.format(Locale.ROOT, "%.1f", 100 * r.utilisation())),
                new Row("peak borrowed by a slot (MiB)", r -> mib(r.peakBorrowedBytes())),
                new Row("invariant violations", r -> String.valueOf(r.invariantViolations())),
                new Row("consumers replayed", r -> String.valueOf(r.consumers())),
                new Row("events replayed", r -> String.valueOf(r.events())),
                new Row("controller ticks", r -> String.valueOf(r.ticks())));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    private List<List<String>> cells() {
        List<List<String>> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("");
        results.forEach(r -> header.add(r.policy()));
        lines.add(header);
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            line.add(row.measure());
            results.forEach(r -> line.add(row.cell().apply(r)));
            lines.add(line);
        }
        return lines;
    }

    /** Aligned plain text: measures left-aligned, numbers right-aligned. */
    String text() {
        List<List<String>> lines = cells();
        int[] widths = new int[lines.get(0).size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            out.append(String.format(Locale.ROOT, "%-" + widths[0] + "s", line.get(0)));
            for (int i = 1; i < line.size(); i++) {
                out.append("  ").append(String.format(Locale.ROOT, "%" + widths[i] + "s", line.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A Markdown table. */
    String markdown() {
        List<List<String>> lines = cells();
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            out.append("| ").append(String.join(" | ", lines.get(n))).append(" |\n");
            if (n == 0) {
                out.append("|---").append("|---:".repeat(lines.get(0).size() - 1)).append("|\n");
            }
        }
        return out.toString();
    }
}
