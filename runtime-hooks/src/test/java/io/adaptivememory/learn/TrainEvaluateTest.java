package io.adaptivememory.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.estimate.LinearModel;
import io.adaptivememory.estimate.ModelFile;
import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

class TrainEvaluateTest {

    private record Output(int code, String text) {}

    private static Output train(String... args) {
        return run(true, args);
    }

    private static Output evaluate(String... args) {
        return run(false, args);
    }

    private static Output run(boolean train, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = train ? Train.run(List.of(args), out) : Evaluate.run(List.of(args), out);
        return new Output(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void train_synthetic_fitsEveryKindAndWritesAReadableFile(@TempDir Path dir) throws Exception {
        Path history = Fixtures.write(Files.createDirectory(dir.resolve("h")), Fixtures.synthetic(20, 1));
        Path model = dir.resolve("model.txt");

        Output out = train("--history", history.toString(), "--out", model.toString(), "--epochs", "200");

        assertEquals(0, out.code(), out.text());
        assertTrue(out.text().contains("split by run: train 12 runs / 144 rows, validation 4 runs / 48 rows,"
                + " test 4 runs / 48 rows"), out.text());
        assertTrue(out.text().contains("kind                train      val    linear_rmse_mib"), out.text());
        ModelFile file = ModelFile.read(model);
        assertEquals(144, file.trainedRows());
        assertEquals(List.of(ConsumerKind.SORT, ConsumerKind.HASH_JOIN, ConsumerKind.HASH_AGG),
                new ArrayList<>(file.models().keySet()));
        assertTrue(file.fallback() != null);
        // hash aggregation's demand is a constant 6 MiB: the linear model finds it exactly
        assertTrue(file.models().get(ConsumerKind.HASH_AGG) instanceof LinearModel);
        assertEquals(6.0, file.models().get(ConsumerKind.HASH_AGG).predictMiB(new double[] {1, 50, 16, 0.25, 6, 1}),
                1e-6);
    }

    @Test
    void evaluate_synthetic_modelBeatsFlinksStaticPlanAndWritesReport(@TempDir Path dir) throws Exception {
        Path history = Fixtures.write(Files.createDirectory(dir.resolve("h")), Fixtures.synthetic(20, 2));
        Path model = dir.resolve("model.txt");
        assertEquals(0, train("--history", history.toString(), "--out", model.toString(), "--epochs", "200").code());
        Path report = dir.resolve("report");

        Output out = evaluate("--history", history.toString(), "--model", model.toString(), "--report",
                report.toString());

        assertEquals(0, out.code(), out.text());
        List<Evaluate.Result> results = Evaluate.evaluate(ModelFile.read(model),
                Split.byRun(Dataset.build(Fixtures.synthetic(20, 2)).rows(), 0.2, 0.2).test());
        assertEquals(List.of("model", "model-upper", "flink-static", "last-value", "ewma-0.5", "p95"),
                results.stream().map(Evaluate.Result::predictor).toList());
        Metrics modelMetrics = results.get(0).metrics();
        Metrics upper = results.get(1).metrics();
        Metrics flink = results.get(2).metrics();
        assertTrue(upper.grantAccuracy() > 0 && upper.maeMiB() >= modelMetrics.maeMiB() - 1e-9, upper.toString());
        assertEquals(48, modelMetrics.rows());
        assertTrue(modelMetrics.rmseMiB() < 0.5 * flink.rmseMiB(), modelMetrics + " vs " + flink);
        assertTrue(out.text().contains(Evaluate.table(results)), out.text());
        String markdown = Files.readString(report.resolve("evaluation.md"));
        assertTrue(markdown.contains(Evaluate.table(results)), markdown);
        assertTrue(markdown.contains("Split by run: train 12 runs / 144 rows"), markdown);
        assertTrue(markdown.contains("Test runs: " + String.format("%032x", 17)), markdown);
        String svg = Files.readString(report.resolve("evaluation.svg"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertEquals(2 * results.size(), svg.split("<rect x=").length - 1);
        assertEquals("svg", DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(report.resolve("evaluation.svg").toFile()).getDocumentElement().getTagName());
    }

    @Test
    void evaluate_baselinesOnFixedRows_exactPredictions() {
        List<Row> rows = Dataset.build(List.of(
                Fixtures.record(1, "tm", "j1", "v", ConsumerKind.SORT, 0, 0, 8 * Fixtures.MIB, 2 * Fixtures.MIB, 0, 1,
                        0),
                Fixtures.record(2, "tm", "j2", "v", ConsumerKind.SORT, 0, 0, 8 * Fixtures.MIB, 6 * Fixtures.MIB, 0, 1,
                        0),
                Fixtures.record(3, "tm", "j3", "v", ConsumerKind.SORT, 0, 0, 8 * Fixtures.MIB, 4 * Fixtures.MIB, 0, 1,
                        0))).rows();

        assertEquals(List.of(8.0, 8.0, 8.0), rows.stream().map(Baseline.FLINK_STATIC::predictMiB).toList());
        assertEquals(List.of(8.0, 2.0, 6.0), rows.stream().map(Baseline.LAST_VALUE::predictMiB).toList());
        assertEquals(List.of(8.0, 2.0, 4.0), rows.stream().map(Baseline.EWMA::predictMiB).toList());
        assertEquals(List.of(8.0, 2.0, 6.0), rows.stream().map(Baseline.P95::predictMiB).toList());
    }

    @Test
    void trainThenEvaluate_fixture_succeedsOnItsThreeRuns(@TempDir Path dir) {
        Path model = dir.resolve("model.txt");

        Output trained = train("--history", Fixtures.fixture().toString(), "--out", model.toString(), "--min-rows",
                "4", "--epochs", "50", "--hidden", "2");
        Output evaluated = evaluate("--history", Fixtures.fixture().toString(), "--model", model.toString());

        assertEquals(0, trained.code(), trained.text());
        assertTrue(trained.text().contains("1 problems"), trained.text());
        assertTrue(trained.text().contains("split by run: train 1 runs / 8 rows, validation 1 runs / 8 rows, test 1"
                + " runs / 7 rows"), trained.text());
        assertEquals(0, evaluated.code(), evaluated.text());
        assertTrue(evaluated.text().contains("| flink-static | "), evaluated.text());
    }

    @Test
    void trainThenEvaluate_realHistory_modelBeatsFlinksStaticShareOnHeldOutRuns(@TempDir Path dir) {
        Path real = Fixtures.real();
        Path model = dir.resolve("model.txt");

        Output trained = train("--history", real.toString(), "--out", model.toString(), "--epochs", "100");
        Output evaluated = evaluate("--history", real.toString(), "--model", model.toString());

        assertEquals(0, trained.code(), trained.text());
        assertEquals(0, evaluated.code(), evaluated.text());
        assertTrue(trained.text().contains("0 problems"), trained.text());
        double modelRmse = rmse(evaluated.text(), "model");
        double staticRmse = rmse(evaluated.text(), "flink-static");
        assertTrue(modelRmse < staticRmse / 2, "model " + modelRmse + " MiB vs static " + staticRmse + " MiB");
    }

    /** The RMSE column of a predictor's row in evaluate's table. */
    private static double rmse(String table, String predictor) {
        for (String line : table.split("\n")) {
            if (line.startsWith("| " + predictor + " |")) {
                return Double.parseDouble(line.split("\\|")[3].trim());
            }
        }
        throw new AssertionError("no row for " + predictor + " in\n" + table);
    }

    @Test
    void train_usageErrors_exitCode2WithUsageLine() {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--history", "h"),
                List.of("--history", "h", "--out"),
                List.of("--history", "h", "--out", "m", "--hidden", "0"),
                List.of("--history", "h", "--out", "m", "--bogus", "1"),
                List.of("--history", "h", "--history", "h", "--out", "m"))) {
            Output out = train(args.toArray(String[]::new));

            assertEquals(2, out.code(), args.toString());
            assertTrue(out.text().startsWith("error: "), out.text());
            assertTrue(out.text().contains("usage: " + Train.USAGE), out.text());
        }
    }

    @Test
    void train_missingHistory_exitCode1WithReason(@TempDir Path dir) {
        Output out = train("--history", dir.resolve("nothing").toString(), "--out", dir.resolve("m").toString());

        assertEquals(1, out.code());
        assertEquals("failed: no history at " + dir.resolve("nothing") + ": not a file or directory\n", out.text());
    }

    @Test
    void evaluate_brokenModelFile_exitCode1NamingFileAndLine(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.txt");
        Files.writeString(model, "# adaptive-memory-model v0\n");

        Output out = evaluate("--history", Fixtures.fixture().toString(), "--model", model.toString());

        assertEquals(1, out.code());
        assertTrue(out.text().startsWith("failed: " + model + ":1: expected '# adaptive-memory-model v1'"),
                out.text());
    }

    @Test
    void evaluate_modelFromOtherSplit_warns(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.txt");
        new ModelFile(Map.of(), new LinearModel(new double[6], new double[] {1, 1, 1, 1, 1, 1},
                new double[] {0, 0, 1, 0, 0, 0}, 0), 999, 0).write(model);

        Output out = evaluate("--history", Fixtures.fixture().toString(), "--model", model.toString());

        assertEquals(0, out.code(), out.text());
        assertTrue(out.text().contains("warning: the model was trained on 999 rows, this split's training runs have"
                + " 8"), out.text());
    }
}
