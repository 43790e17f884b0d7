package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryWriter;
import io.adaptivememory.history.SlotSample;
import io.adaptivememory.learn.Arguments;
import io.adaptivememory.learn.Arguments.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code generate} command: writes a {@link SyntheticHistory} (its class comment has the
 * model) as history files of format v1, one {@code consumers-<tm>.csv} and one
 * {@code slots-<tm>.csv} per TaskManager, as the agent would.
 */
public final class Generate {

    public static final String USAGE = "usage: generate --out <dir> [--runs 20] [--tms 1] [--slots 4] "
            + "[--share-mib 64] [--skew 0.9] [--seed 1]";

    /** A generated history is as large as asked for: no rotation deletes any of it. */
    private static final long UNBOUNDED_BYTES = 1L << 50;

    private Generate() {}

    /** Runs the command; returns 0 on success, 2 for a wrong command line, 1 when it failed. */
    public static int run(List<String> args, PrintStream out) {
        SyntheticHistory.Parameters parameters;
        Path dir;
        try {
            Arguments line = Arguments.parse(args, Set.of("out"),
                    Set.of("runs", "tms", "slots", "share-mib", "skew", "seed"));
            dir = line.path("out");
            parameters = new SyntheticHistory.Parameters(
                    (int) line.whole("runs", 20, 1, 10_000),
                    (int) line.whole("tms", 1, 1, 1_000),
                    (int) line.whole("slots", 4, 1, 1_000),
                    line.whole("share-mib", 64, 1, 1 << 20) * (1L << 20),
                    line.number("skew", 0.9, 0.0, 1.0),
                    line.whole("seed", 1, Integer.MIN_VALUE, Integer.MAX_VALUE));
        } catch (UsageException e) {
            out.println("generate: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        try {
            SyntheticHistory.Generated history = SyntheticHistory.generate(parameters);
            int taskManagers = write(history, dir);
            out.println("wrote " + history.consumers().size() + " consumer records and " + history.slots().size()
                    + " slot samples of " + taskManagers + " TaskManagers to " + dir);
            return 0;
        } catch (IOException e) {
            out.println("generate: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Writes the history into {@code dir} with the agent's own {@link HistoryWriter}, one writer
     * per TaskManager; returns the number of TaskManagers.
     */
    static int write(SyntheticHistory.Generated history, Path dir) throws IOException {
        Map<String, HistoryWriter> writers = new TreeMap<>();
        try {
            for (ConsumerRecord r : history.consumers()) {
                writer(writers, dir, r.taskManager()).write(r);
            }
            for (SlotSample s : history.slots()) {
                writer(writers, dir, s.taskManager()).write(s);
            }
        } finally {
            for (HistoryWriter w : writers.values()) {
                w.close();
            }
        }
        return writers.size();
    }

    private static HistoryWriter writer(Map<String, HistoryWriter> writers, Path dir, String taskManager)
            throws IOException {
        HistoryWriter w = writers.get(taskManager);
        if (w == null) {
            w = HistoryWriter.open(dir, taskManager, UNBOUNDED_BYTES);
            writers.put(taskManager, w);
        }
        return w;
    }
}
