package io.adaptivememory.learn;

import io.adaptivememory.estimate.DemandModel;
import io.adaptivememory.estimate.Features;
import io.adaptivememory.estimate.LinearModel;
import io.adaptivememory.estimate.ModelFile;
import io.adaptivememory.estimate.NeuralNetwork;
import io.adaptivememory.history.ConsumerKind;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits one ridge model ({@link RidgeRegression#select}) and one network ({@link NetworkTrainer})
 * per consumer kind with at least {@code minRows} training rows and at least one validation row,
 * and the same pair on all kinds' rows together (the pooled fallback for kinds without their
 * own). Of each pair it keeps the one with the lower validation RMSE; a tie keeps the linear
 * model, the simpler and cheaper one.
 */
public final class ModelSelection {

    /** One line of the table: a kind (or the pooled model) and what was fitted for it. */
    public record Choice(String kind, int trainRows, int validationRows, LinearModel linear, NeuralNetwork network) {

        /** The model with the lower validation RMSE. */
        public DemandModel chosen() {
            return network.residualMiB() < linear.residualMiB() ? network : linear;
        }

        String chosenName() {
            return chosen() == linear ? "linear" : "network";
        }
    }

    public static final int DEFAULT_MIN_ROWS = 20;

    private ModelSelection() {}

    /** The choices, kinds in {@link ConsumerKind} order, the pooled model last. */
    public static List<Choice> fit(Split split, int minRows, NetworkTrainer.Options options, PrintStream progress) {
        List<Choice> choices = new ArrayList<>();
        for (ConsumerKind kind : ConsumerKind.values()) {
            List<Row> train = ofKind(split.train(), kind);
            List<Row> validation = ofKind(split.validation(), kind);
            if (train.size() >= minRows && !validation.isEmpty()) {
                choices.add(fit(kind.id(), train, validation, options, progress));
            } else if (!train.isEmpty() || !validation.isEmpty()) {
                progress.printf("  %s: %d training and %d validation rows; needs %d and 1: uses the pooled model%n",
                        kind.id(), train.size(), validation.size(), minRows);
            }
        }
        if (split.train().size() < minRows) {
            throw new IllegalArgumentException("the training runs have " + split.train().size()
                    + " usable consumer records; the pooled model needs at least " + minRows + " (see --min-rows)");
        }
        choices.add(fit(ModelFile.ALL, split.train(), split.validation(), options, progress));
        return choices;
    }

    private static Choice fit(String kind, List<Row> train, List<Row> validation, NetworkTrainer.Options options,
            PrintStream progress) {
        double[][] trainX = Dataset.features(train);
        double[] trainY = Dataset.targets(train);
        double[][] validationX = Dataset.features(validation);
        double[] validationY = Dataset.targets(validation);
        LinearModel linear = RidgeRegression.select(trainX, trainY, validationX, validationY);
        progress.println("  linear " + kind + ": demand_mib = " + formula(linear.coefficients()));
        NeuralNetwork network = NetworkTrainer.train(trainX, trainY, validationX, validationY, options, kind,
                progress);
        return new Choice(kind, train.size(), validation.size(), linear, network);
    }

    /** The file of the chosen models. */
    public static ModelFile modelFile(List<Choice> choices, int trainedRows, long createdMillis) {
        Map<ConsumerKind, DemandModel> models = new EnumMap<>(ConsumerKind.class);
        DemandModel fallback = null;
        for (Choice c : choices) {
            if (c.kind().equals(ModelFile.ALL)) {
                fallback = c.chosen();
            } else {
                models.put(ConsumerKind.parse(c.kind()), c.chosen());
            }
        }
        return new ModelFile(models, fallback, trainedRows, createdMillis);
    }

    /** The table {@code train} prints. */
    public static String table(List<Choice> choices) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-16s %8s %8s %18s %18s  %s%n", "kind", "train", "val",
                "linear_rmse_mib", "network_rmse_mib", "chosen"));
        for (Choice c : choices) {
            out.append(String.format(Locale.ROOT, "%-16s %8d %8d %18.3f %18.3f  %s%n", c.kind(), c.trainRows(),
                    c.validationRows(), c.linear().residualMiB(), c.network().residualMiB(), c.chosenName()));
        }
        return out.toString();
    }

    private static String formula(double[] c) {
        String[] names = Features.NAMES.split(",");
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%.4g", c[0]));
        for (int j = 1; j < c.length; j++) {
            out.append(String.format(Locale.ROOT, " %s %.4g*%s", c[j] < 0 ? "-" : "+", Math.abs(c[j]), names[j]));
        }
        return out.toString();
    }

    private static List<Row> ofKind(List<Row> rows, ConsumerKind kind) {
        return rows.stream().filter(r -> r.record().kind() == kind).toList();
    }
}
