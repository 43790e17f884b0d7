package io.adaptivememory.simulate;

import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryFormat;
import io.adaptivememory.history.SlotSample;
import io.adaptivememory.simulate.CommandLine.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private Generate() {}

    /** Runs the command; returns 0 on success, 2 for a wrong command line, 1 when it failed. */
    public static int run(List<String> args, PrintStream out) {
        SyntheticHistory.Parameters parameters;
        Path dir;
        try {
            CommandLine line = CommandLine.parse(args,
                    Set.of("out", "runs", "tms", "slots", "share-mib", "skew", "seed"));
            dir = Path.of(line.required("out"));
            parameters = new SyntheticHistory.Parameters(
                    line.integer("runs", 20, 1, 10_000),
                    line.integer("tms", 1, 1, 1_000),
                    line.integer("slots", 4, 1, 1_000),
                    line.integer("share-mib", 64, 1, 1 << 20) * (1L << 20),
                    line.number("skew", 0.9, 0.0, 1.0),
                    line.integer("seed", 1, Integer.MIN_VALUE, Integer.MAX_VALUE));
        } catch (UsageException e) {
            out.println("generate: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        try {
            SyntheticHistory.Generated history = SyntheticHistory.generate(parameters);
            int files = write(history, dir);
            out.println("wrote " + history.consumers().size() + " consumer records and " + history.slots().size()
                    + " slot samples in " + files + " files to " + dir);
            return 0;
        } catch (IOException e) {
            out.println("generate: " + e.getMessage());
            return 1;
        }
    }

    /** Writes the history into {@code dir} (created if missing); returns the number of files. */
    static int write(SyntheticHistory.Generated history, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, StringBuilder> files = new TreeMap<>();
        for (ConsumerRecord r : history.consumers()) {
            StringBuilder text = files.computeIfAbsent("consumers-" + r.taskManager() + ".csv",
                    name -> header(HistoryFormat.CONSUMERS_MAGIC, HistoryFormat.CONSUMERS_HEADER));
            HistoryFormat.append(text, r);
            text.append('\n');
        }
        for (SlotSample s : history.slots()) {
            StringBuilder text = files.computeIfAbsent("slots-" + s.taskManager() + ".csv",
                    name -> header(HistoryFormat.SLOTS_MAGIC, HistoryFormat.SLOTS_HEADER));
            HistoryFormat.append(text, s);
            text.append('\n');
        }
        for (Map.Entry<String, StringBuilder> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        return files.size();
    }

    private static StringBuilder header(String magic, String columns) {
        return new StringBuilder().append(magic).append('\n').append(columns).append('\n');
    }
}
