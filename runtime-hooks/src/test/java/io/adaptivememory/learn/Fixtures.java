package io.adaptivememory.learn;

import io.adaptivememory.history.ConsumerKind;
import io.adaptivememory.history.ConsumerRecord;
import io.adaptivememory.history.HistoryFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Histories for the offline tools' tests: the checked-in fixture, and synthetic ones written on the fly. */
final class Fixtures {

    static final long MIB = 1L << 20;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Fixtures() {}

    /** The checked-in fixture: three runs of a 4-slot job whose sort subtask 0 is skewed and spills. */
    static Path fixture() {
        return resource("/history/fixture");
    }

    /**
     * A real recorded history (history/real): the benchmark workloads at two parallelisms, four
     * runs each, on a standalone TaskManager with the agent (docs/LEARNING.md says how it was made).
     */
    static Path real() {
        return resource("/history/real");
    }

    private static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A consumer record with the fields the tools read; the rest are plausible constants. */
    static ConsumerRecord record(long endMillis, String tm, String job, String vertex, ConsumerKind kind,
            int subtask, int slot, long requestedBytes, long peakBytes, long spilledBytes, long lifetimeMillis,
            long inputBytes) {
        return new ConsumerRecord(endMillis, tm, job, vertex, "Op", kind, subtask, 4, slot, 4, 64 * MIB,
                requestedBytes, requestedBytes, -1, -1, peakBytes, 0, lifetimeMillis, spilledBytes,
                spilledBytes > 0 ? 1 : 0, false, inputBytes / 100, inputBytes);
    }

    /**
     * {@code runs} runs of a job with a sort, a hash join and a hash aggregation over 4 subtasks;
     * each subtask's input grows run by run with noise, and demand follows it:
     * sort {@code 0.4 x input}, hash join {@code 8 MiB + 0.25 x input}, hash aggregation a constant
     * 6 MiB. Subtask 0 reads three times as much (skew).
     */
    static List<ConsumerRecord> synthetic(int runs, long seed) {
        Random random = new Random(seed);
        List<ConsumerRecord> records = new ArrayList<>();
        ConsumerKind[] kinds = {ConsumerKind.SORT, ConsumerKind.HASH_JOIN, ConsumerKind.HASH_AGG};
        for (int run = 0; run < runs; run++) {
            long start = 1_700_000_000_000L + run * 600_000L;
            String job = String.format("%032x", run + 1);
            for (int k = 0; k < kinds.length; k++) {
                for (int s = 0; s < 4; s++) {
                    double inputMiB = (20 + 4 * run) * (s == 0 ? 3 : 1) * (0.9 + 0.2 * random.nextDouble());
                    double demandMiB = switch (kinds[k]) {
                        case SORT -> 0.4 * inputMiB;
                        case HASH_JOIN -> 8 + 0.25 * inputMiB;
                        default -> 6;
                    };
                    long demand = (long) (demandMiB * MIB);
                    long peak = Math.min(demand, 16 * MIB);
                    records.add(record(start + 10_000L * (k + 1) + s, "tm-" + run, job, "vertex" + k, kinds[k], s,
                            s, 16 * MIB, peak, demand - peak, 10_000, (long) (inputMiB * MIB)));
                }
            }
        }
        return records;
    }

    /** Writes records as one history file under {@code dir}. */
    static Path write(Path dir, List<ConsumerRecord> records) {
        StringBuilder text = new StringBuilder();
        text.append(HistoryFormat.CONSUMERS_MAGIC).append('\n').append(HistoryFormat.CONSUMERS_HEADER).append('\n');
        for (ConsumerRecord r : records) {
            text.append(HistoryFormat.line(r)).append('\n');
        }
        try {
            Files.writeString(dir.resolve("consumers-synthetic.csv"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
