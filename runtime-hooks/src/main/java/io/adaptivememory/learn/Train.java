package io.adaptivememory.learn;

import io.adaptivememory.estimate.ModelFile;
import io.adaptivememory.estimate.NeuralNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code train}: reads a history, builds the data set, splits it by run, fits a ridge model and
 * a network per consumer kind and pooled ({@link ModelSelection}), prints the table and writes
 * the chosen models to a {@link ModelFile}. The test runs are not touched: {@link Evaluate}
 * scores on them.
 */
public final class Train {

    public static final String USAGE = "train --history <dir> --out <model file> [--hidden 8] [--epochs 500]"
            + " [--seed 1] [--min-rows 20] [--validation-fraction 0.2] [--test-fraction 0.2]";

    private Train() {}

    public static int run(List<String> args, PrintStream out) {
        Arguments a;
        NetworkTrainer.Options options;
        int minRows;
        try {
            a = Arguments.parse(args, Set.of("history", "out"),
                    Set.of("hidden", "epochs", "seed", "min-rows", "validation-fraction", "test-fraction"));
            NetworkTrainer.Options d = NetworkTrainer.Options.DEFAULTS;
            options = d.with((int) a.whole("hidden", d.units(), 1, NeuralNetwork.MAX_UNITS),
                    (int) a.whole("epochs", d.epochs(), 1, 1_000_000),
                    a.whole("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE));
            minRows = (int) a.whole("min-rows", ModelSelection.DEFAULT_MIN_ROWS, 2, Integer.MAX_VALUE);
        } catch (Arguments.UsageException e) {
            return Commands.usage(out, e.getMessage(), USAGE);
        }
        try {
            Dataset dataset = Dataset.build(Commands.readHistory(a.path("history"), out).consumers());
            Split split = Commands.split(dataset, a, out);
            List<ModelSelection.Choice> choices = ModelSelection.fit(split, minRows, options, out);
            out.print(ModelSelection.table(choices));
            Path file = a.path("out");
            ModelSelection.modelFile(choices, split.train().size(), System.currentTimeMillis()).write(file);
            out.println("wrote " + file);
            return Commands.OK;
        } catch (Arguments.UsageException e) {
            return Commands.usage(out, e.getMessage(), USAGE);
        } catch (IOException | IllegalArgumentException e) {
            return Commands.failed(out, e);
        }
    }
}
