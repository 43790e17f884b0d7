package io.adaptivememory.learn;

import io.adaptivememory.estimate.Features;
import io.adaptivememory.history.ConsumerRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consumer records turned into learning rows: cleaned, ordered by end time, each with its
 * {@link Features} vector and its demand in MiB.
 *
 * <p>Cleaning drops a record when a value the target or the features need was not measured (peak,
 * lifetime or Flink's request is -1) or when it contradicts itself (subtask not below parallelism,
 * slot not below the slot count, time to peak longer than the lifetime); the counts per reason are
 * kept for the report.
 *
 * <p>"Previous" is the latest record, by end time, of the same key (vertex, kind, subtask) in
 * another run (job id): the features' {@code prev_input_mib} and {@code prev_demand_mib}. Records
 * of one key within one run see the same previous run; a key's first run has none (-1).
 */
public final class Dataset {

    private static final double MIB = 1024.0 * 1024.0;

    private final List<Row> rows;
    private final int records;
    private final Map<String, Integer> dropped;

    private Dataset(List<Row> rows, int records, Map<String, Integer> dropped) {
        this.rows = List.copyOf(rows);
        this.records = records;
        this.dropped = Map.copyOf(dropped);
    }

    /** The rows of {@code records} (in any order) after cleaning, oldest first. */
    public static Dataset build(List<ConsumerRecord> records) {
        Map<String, Integer> dropped = new LinkedHashMap<>();
        List<ConsumerRecord> clean = new ArrayList<>(records.size());
        for (ConsumerRecord r : records) {
            String reason = brokenReason(r);
            if (reason == null) {
                clean.add(r);
            } else {
                dropped.merge(reason, 1, Integer::sum);
            }
        }
        clean.sort(Comparator.comparingLong(ConsumerRecord::endMillis));

        Map<String, KeyState> keys = new HashMap<>();
        List<Row> rows = new ArrayList<>(clean.size());
        for (ConsumerRecord r : clean) {
            KeyState key = keys.computeIfAbsent(r.vertex() + '/' + r.kind().id() + '/' + r.subtask(),
                    k -> new KeyState());
            if (key.currentRun != null && !key.currentRun.job().equals(r.job())) {
                key.previous = PreviousRuns.push(key.previous, key.currentRun.demandBytes(),
                        key.currentRun.inputBytes());
            }
            key.currentRun = r;
            double[] features = new double[Features.SIZE];
            PreviousRuns p = key.previous;
            Features.fill(features, r.parallelism(), r.requestedBytes(), p == null ? -1 : p.inputBytes(),
                    p == null ? -1 : p.demandBytes());
            rows.add(new Row(r, features, r.demandBytes() / MIB, p));
        }
        return new Dataset(rows, records.size(), dropped);
    }

    private static String brokenReason(ConsumerRecord r) {
        if (r.peakBytes() < 0) {
            return "peak not measured";
        }
        if (r.lifetimeMillis() < 0) {
            return "lifetime not measured";
        }
        if (r.requestedBytes() < 0) {
            return "Flink's request not recorded";
        }
        if (r.subtask() >= r.parallelism() || r.slot() >= r.slots()) {
            return "subtask or slot out of range";
        }
        if (r.timeToPeakMillis() > r.lifetimeMillis()) {
            return "time to peak after the end";
        }
        return null;
    }

    /** The last record of the key's current run, and the runs before it. */
    private static final class KeyState {
        ConsumerRecord currentRun;
        PreviousRuns previous;
    }

    /** The clean rows, oldest first. */
    public List<Row> rows() {
        return rows;
    }

    /** Records read, before cleaning. */
    public int records() {
        return records;
    }

    /** Dropped records per reason. */
    public Map<String, Integer> dropped() {
        return dropped;
    }

    /** One line: records read, kept, dropped and why. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(records).append(" consumer records, ").append(rows.size()).append(" kept");
        dropped.forEach((reason, n) -> out.append(", ").append(n).append(" dropped (").append(reason).append(')'));
        return out.toString();
    }

    /** The rows' feature vectors (shared, not copied). */
    public static double[][] features(List<Row> rows) {
        double[][] x = new double[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows.get(i).features();
        }
        return x;
    }

    /** The rows' demands in MiB. */
    public static double[] targets(List<Row> rows) {
        double[] y = new double[rows.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = rows.get(i).demandMiB();
        }
        return y;
    }
}
