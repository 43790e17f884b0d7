package io.adaptivememory.learn;

import io.adaptivememory.history.HistoryReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** What the commands share: exit codes, reading the history with a report, and the split options. */
final class Commands {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** Skipped history lines printed one by one; the rest are counted. */
    private static final int PROBLEMS_SHOWN = 5;

    private Commands() {}

    static int usage(PrintStream out, String message, String usage) {
        out.println("error: " + message);
        out.println("usage: " + usage);
        return USAGE;
    }

    static int failed(PrintStream out, Exception e) {
        out.println("failed: " + e.getMessage());
        return FAILED;
    }

    /** Reads the history, printing what was read and what was skipped. */
    static HistoryReader.History readHistory(Path dir, PrintStream out) throws IOException {
        HistoryReader.History history = HistoryReader.read(dir);
        out.println("history " + dir + ": " + history.files() + " files, " + history.consumers().size()
                + " consumer records, " + history.slots().size() + " slot samples, " + history.problems().size()
                + " problems");
        history.problems().stream().limit(PROBLEMS_SHOWN).forEach(p -> out.println("  " + p));
        if (history.problems().size() > PROBLEMS_SHOWN) {
            out.println("  ... and " + (history.problems().size() - PROBLEMS_SHOWN) + " more");
        }
        return history;
    }

    /** The data set and its split by run with the {@code --validation-fraction} / {@code --test-fraction} options. */
    static Split split(Dataset dataset, Arguments a, PrintStream out) throws Arguments.UsageException {
        out.println(dataset.summary());
        Split split = Split.byRun(dataset.rows(),
                a.number("validation-fraction", Split.DEFAULT_VALIDATION_FRACTION, 0.01, 0.5),
                a.number("test-fraction", Split.DEFAULT_TEST_FRACTION, 0.01, 0.5));
        out.println(split.summary());
        return split;
    }
}
