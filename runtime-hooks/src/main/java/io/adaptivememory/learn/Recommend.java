package io.adaptivememory.learn;

import io.adaptivememory.history.HistoryReader;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code recommend}: prints static Flink memory settings for the history in config.yaml syntax,
 * with the evidence for each; {@link Recommendation} has the rule.
 */
public final class Recommend {

    public static final String USAGE = "recommend --history <dir> [--headroom 0.1]";
    public static final double DEFAULT_HEADROOM = 0.1;

    private Recommend() {}

    public static int run(List<String> args, PrintStream out) {
        double headroom;
        Arguments a;
        try {
            a = Arguments.parse(args, Set.of("history"), Set.of("headroom"));
            headroom = a.number("headroom", DEFAULT_HEADROOM, 0, 10);
        } catch (Arguments.UsageException e) {
            return Commands.usage(out, e.getMessage(), USAGE);
        }
        try {
            HistoryReader.History history = Commands.readHistory(a.path("history"), out);
            Recommendation r = Recommendation.of(history.consumers(), history.slots(), headroom);
            out.println("TaskManager runs:");
            for (Recommendation.TaskManagerRun run : r.runs()) {
                out.printf(Locale.ROOT, "  %s: %d slots, configured %d MiB, reserved peak %.1f MiB,"
                                + " concurrent demand peak %.1f MiB, hottest slot %d needs %.1f MiB%n",
                        run.taskManager(), run.slots(), run.configuredBytes() >> 20, run.usedPeakBytes() / 1048576.0,
                        run.demandPeakBytes() / 1048576.0, run.hottestSlot(), run.hottestSlotNeedBytes() / 1048576.0);
            }
            out.println();
            out.print(r.configYaml());
            return Commands.OK;
        } catch (IOException | IllegalArgumentException e) {
            return Commands.failed(out, e);
        }
    }
}
