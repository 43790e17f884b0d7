package io.adaptivememory.simulate;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.history.HistoryReader;
import io.adaptivememory.learn.Arguments;
import io.adaptivememory.learn.Arguments.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code simulate} command: replays a history directory under each policy with the
 * {@link Simulator} and prints the {@link ComparisonTable}; with {@code --report} it also writes
 * the table as Markdown, with the command that made it. Lines of the history that do not parse
 * are skipped and counted, as {@link HistoryReader} does.
 */
public final class Simulate {

    public static final String USAGE = "usage: simulate --history <dir> "
            + "[--policies static,fair,adaptive,adaptive+oracle,adaptive+recorded] [--report <file.md>]";
    static final String DEFAULT_POLICIES = "static,fair,adaptive,adaptive+oracle,adaptive+recorded";

    private Simulate() {}

    /** Runs the command; returns 0 on success, 2 for a wrong command line, 1 when it failed. */
    public static int run(List<String> args, PrintStream out) {
        try {
            Arguments line = Arguments.parse(args, Set.of("history"), Set.of("policies", "report"));
            Path history = line.path("history");
            List<PolicyVariant> variants = variants(line.text("policies", DEFAULT_POLICIES));
            String report = line.text("report", null);
            return simulate(history, variants, report == null ? null : Path.of(report), args, out);
        } catch (UsageException e) {
            out.println("simulate: " + e.getMessage());
            out.println(USAGE);
            return 2;
        } catch (IOException e) {
            out.println("simulate: " + e.getMessage());
            return 1;
        }
    }

    private static List<PolicyVariant> variants(String spelling) throws UsageException {
        List<PolicyVariant> variants = new ArrayList<>();
        for (String name : spelling.split(",", -1)) {
            try {
                variants.add(PolicyVariant.parse(name));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return variants;
    }

    private static int simulate(Path dir, List<PolicyVariant> variants, Path report, List<String> args,
            PrintStream out) throws IOException {
        HistoryReader.History history = HistoryReader.read(dir);
        if (history.consumers().isEmpty()) {
            out.println("simulate: no consumer records in " + dir + " (" + history.files() + " history files, "
                    + history.problems().size() + " problems)");
            history.problems().forEach(p -> out.println("  " + p));
            return 1;
        }
        String summary = history.consumers().size() + " consumers from " + history.files() + " files in " + dir
                + (history.problems().isEmpty() ? "" : "; " + history.problems().size() + " lines skipped");
        out.println(summary);
        List<SimulationResult> results = new ArrayList<>();
        SimulationResult baseline = null;
        for (PolicyVariant variant : variants) {
            SimulationResult result = Simulator.run(history.consumers(), variant);
            results.add(result);
            if (variant.kind() == PolicyKind.STATIC && variant.predictor() == null) {
                baseline = result;
            }
        }
        if (baseline == null) {
            baseline = Simulator.run(history.consumers(), PolicyVariant.of(PolicyKind.STATIC));
        }
        ComparisonTable table = new ComparisonTable(results, baseline);
        out.print(table.text());
        if (report != null) {
            String markdown = "# Simulated policies\n\n```\nsimulate " + String.join(" ", args) + "\n```\n\n"
                    + summary + ".\n\n" + table.markdown();
            Files.writeString(report, markdown, StandardCharsets.UTF_8);
            out.println("report written to " + report);
        }
        return 0;
    }
}
