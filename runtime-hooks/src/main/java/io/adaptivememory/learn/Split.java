package io.adaptivememory.learn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Train / validation / test rows, split by run (job id), never by row, so no run informs the
 * model that scores it. Runs are ordered by their first end time (ties by job id); the last
 * {@code round(testFraction * runs)} runs (at least one) are the test runs, the
 * {@code round(validationFraction * runs)} (at least one) before them validation, the rest
 * training. The same history and fractions always give the same split, so {@code evaluate}
 * finds the runs {@code train} held out.
 */
public record Split(List<Row> train, List<Row> validation, List<Row> test, List<String> trainRuns,
        List<String> validationRuns, List<String> testRuns) {

    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    /** Splits {@code rows} (oldest first); needs at least three runs. */
    public static Split byRun(List<Row> rows, double validationFraction, double testFraction) {
        Map<String, Long> firstEnd = new HashMap<>();
        for (Row row : rows) {
            firstEnd.merge(row.record().job(), row.record().endMillis(), Math::min);
        }
        List<String> runs = new ArrayList<>(firstEnd.keySet());
        runs.sort(Comparator.comparing((String job) -> firstEnd.get(job)).thenComparing(job -> job));
        int n = runs.size();
        int test = Math.max(1, (int) Math.round(testFraction * n));
        int validation = Math.max(1, (int) Math.round(validationFraction * n));
        if (test + validation >= n) {
            throw new IllegalArgumentException("the history has " + n + " runs (job ids); a split into "
                    + (n - test - validation) + " training, " + validation + " validation and " + test
                    + " test runs needs at least " + (test + validation + 1));
        }
        List<String> trainRuns = runs.subList(0, n - test - validation);
        List<String> validationRuns = runs.subList(n - test - validation, n - test);
        List<String> testRuns = runs.subList(n - test, n);
        return new Split(rowsOf(rows, trainRuns), rowsOf(rows, validationRuns), rowsOf(rows, testRuns),
                List.copyOf(trainRuns), List.copyOf(validationRuns), List.copyOf(testRuns));
    }

    private static List<Row> rowsOf(List<Row> rows, List<String> runs) {
        Set<String> wanted = new HashSet<>(runs);
        return rows.stream().filter(r -> wanted.contains(r.record().job())).toList();
    }

    /** One line: runs and rows per part. */
    public String summary() {
        return "split by run: train " + trainRuns.size() + " runs / " + train.size() + " rows, validation "
                + validationRuns.size() + " runs / " + validation.size() + " rows, test " + testRuns.size()
                + " runs / " + test.size() + " rows";
    }
}
