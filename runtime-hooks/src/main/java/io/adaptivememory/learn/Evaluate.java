package io.adaptivememory.learn;

import io.adaptivememory.estimate.DemandEstimator;
import io.adaptivememory.estimate.DemandModel;
import io.adaptivememory.estimate.ModelFile;
import io.adaptivememory.estimate.ModelFileException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code evaluate}: scores a model file and the {@link Baseline}s on the test runs of a history
 * (the same split by run as {@link Train} with the same fractions, so they are runs the model
 * never saw) with {@link Metrics}: MAE, RMSE and R2 of demand in MiB, and grant accuracy. A kind
 * the file has no model for and no pooled model to fall back on is predicted by Flink's request.
 * With {@code --report <dir>} it writes {@code evaluation.md} and {@code evaluation.svg} there.
 */
public final class Evaluate {

    public static final String USAGE = "evaluate --history <dir> --model <model file> [--report <dir>]"
            + " [--validation-fraction 0.2] [--test-fraction 0.2]";
    public static final String MODEL = "model";
    /**
     * The model's upper bound, prediction + z * residual (z = 2): what the agent protects of a
     * lender's share and the size a grant by the model would have.
     */
    public static final String MODEL_UPPER = "model-upper";

    /** One predictor's scores. */
    public record Result(String predictor, Metrics metrics) {}

    private Evaluate() {}

    public static int run(List<String> args, PrintStream out) {
        Arguments a;
        try {
            a = Arguments.parse(args, Set.of("history", "model"),
                    Set.of("report", "validation-fraction", "test-fraction"));
        } catch (Arguments.UsageException e) {
            return Commands.usage(out, e.getMessage(), USAGE);
        }
        try {
            ModelFile model = ModelFile.read(a.path("model"));
            Dataset dataset = Dataset.build(Commands.readHistory(a.path("history"), out).consumers());
            Split split = Commands.split(dataset, a, out);
            if (split.train().size() != model.trainedRows()) {
                out.println("warning: the model was trained on " + model.trainedRows() + " rows, this split's"
                        + " training runs have " + split.train().size() + ": another history or other fractions;"
                        + " the test runs may not be held out");
            }
            List<Result> results = evaluate(model, split.test());
            String table = table(results);
            out.print(table);
            if (a.has("report")) {
                Path dir = a.path("report");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("evaluation.md"), markdown(String.join(" ", args), dataset, split, table),
                        StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("evaluation.svg"), chart(results), StandardCharsets.UTF_8);
                out.println("wrote " + dir.resolve("evaluation.md") + " and " + dir.resolve("evaluation.svg"));
            }
            return Commands.OK;
        } catch (Arguments.UsageException e) {
            return Commands.usage(out, e.getMessage(), USAGE);
        } catch (IOException | ModelFileException | IllegalArgumentException e) {
            return Commands.failed(out, e);
        }
    }

    /** The model's scores on {@code rows}, then each baseline's. */
    public static List<Result> evaluate(ModelFile model, List<Row> rows) {
        double[] actual = Dataset.targets(rows);
        List<Result> results = new ArrayList<>();
        double[] predicted = new double[rows.size()];
        for (double margin : new double[] {0, DemandEstimator.DEFAULT_Z_SCORE}) {
            for (int i = 0; i < predicted.length; i++) {
                Row row = rows.get(i);
                DemandModel m = model.modelFor(row.record().kind());
                predicted[i] = m != null ? m.predictMiB(row.features()) + margin * m.residualMiB()
                        : Baseline.FLINK_STATIC.predictMiB(row);
            }
            results.add(new Result(margin == 0 ? MODEL : MODEL_UPPER, Metrics.of(predicted, actual)));
        }
        for (Baseline b : Baseline.values()) {
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = b.predictMiB(rows.get(i));
            }
            results.add(new Result(b.label(), Metrics.of(predicted, actual)));
        }
        return results;
    }

    /** A Markdown table (it also reads as plain text). */
    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| predictor | MAE (MiB) | RMSE (MiB) | R2 | grant accuracy |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (Result r : results) {
            Metrics m = r.metrics();
            out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.1f %% |%n", r.predictor(), m.maeMiB(),
                    m.rmseMiB(), m.r2(), 100 * m.grantAccuracy()));
        }
        return out.toString();
    }

    private static String markdown(String command, Dataset dataset, Split split, String table) {
        return "# Demand model evaluation\n\n"
                + "Command: `evaluate " + command + "`\n\n"
                + "Data: " + dataset.summary() + ".\n\n"
                + "S" + split.summary().substring(1) + ". Test runs: " + String.join(", ", split.testRuns()) + ".\n\n"
                + "Scores on the test rows (demand = peak + spilled bytes, in MiB). Grant accuracy is the share of"
                + " test consumers for which a grant of the predicted size would have covered the demand (no spill)"
                + " and been at least half used.\n\n"
                + table + "\n![RMSE and grant accuracy per predictor](evaluation.svg)\n";
    }

    private static String chart(List<Result> results) {
        List<String> names = results.stream().map(Result::predictor).toList();
        double[] rmse = results.stream().mapToDouble(r -> r.metrics().rmseMiB()).toArray();
        double[] accuracy = results.stream().mapToDouble(r -> r.metrics().grantAccuracy()).toArray();
        return EvaluationChart.svg(names, rmse, accuracy);
    }
}
