package io.adaptivememory.history;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The history's file format, version 1 (docs/HISTORY.md): UTF-8 text, one record per line,
 * comma-separated, no quoting. Every file starts with a magic line naming the version and a line
 * naming the columns, so a reader refuses a file of another version or schema outright instead of
 * misreading it. Text fields are restricted to {@code [A-Za-z0-9._:-]}, so no value needs quoting
 * and no user data (operator descriptions, SQL) can reach the file.
 *
 * <p>Parsing is strict and bounded: a line longer than {@link #MAX_LINE_CHARS}, with the wrong
 * number of fields, a malformed number or a forbidden character is rejected with the reason.
 * That is also how a torn last line (a TaskManager killed mid-write) is recognised and skipped.
 */
public final class HistoryFormat {

    public static final int VERSION = 1;
    public static final String CONSUMERS_MAGIC = "# adaptive-memory-history consumers v" + VERSION;
    public static final String SLOTS_MAGIC = "# adaptive-memory-history slots v" + VERSION;
    public static final int MAX_LINE_CHARS = 1024;
    public static final int MAX_TEXT_CHARS = 64;

    public static final List<String> CONSUMER_COLUMNS = List.of(
            "end_ms", "tm", "job", "vertex", "operator", "kind", "subtask", "parallelism", "slot", "slots",
            "share_bytes", "requested_bytes", "granted_bytes", "predicted_bytes", "predicted_upper_bytes", "peak_bytes",
            "time_to_peak_ms", "lifetime_ms", "spilled_bytes", "spill_files", "denied",
            "input_records", "input_bytes");
    public static final List<String> SLOT_COLUMNS = List.of(
            "time_ms", "tm", "job", "slot", "slots", "share_bytes", "reserved_bytes", "earmarked_bytes",
            "entitlement_bytes", "predicted_bytes");

    public static final String CONSUMERS_HEADER = String.join(",", CONSUMER_COLUMNS);
    public static final String SLOTS_HEADER = String.join(",", SLOT_COLUMNS);

    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_TEXT_CHARS + "}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._:-]");

    private HistoryFormat() {}

    /** A value made safe for a text column: forbidden characters become '_', cut to the maximum length. */
    public static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        String safe = UNSAFE.matcher(value).replaceAll("_");
        return safe.length() <= MAX_TEXT_CHARS ? safe : safe.substring(0, MAX_TEXT_CHARS);
    }

    // ------------------------------------------------------------------------
    //  Writing
    // ------------------------------------------------------------------------

    /** Appends the record's line, without the line break; text fields must already be {@link #text safe}. */
    public static void append(StringBuilder out, ConsumerRecord r) {
        out.append(r.endMillis()).append(',').append(r.taskManager()).append(',').append(r.job()).append(',')
                .append(r.vertex()).append(',').append(r.operator()).append(',').append(r.kind().id()).append(',')
                .append(r.subtask()).append(',').append(r.parallelism()).append(',').append(r.slot()).append(',')
                .append(r.slots()).append(',').append(r.shareBytes()).append(',').append(r.requestedBytes())
                .append(',').append(r.grantedBytes()).append(',').append(r.predictedBytes()).append(',')
                .append(r.predictedUpperBytes()).append(',')
                .append(r.peakBytes()).append(',').append(r.timeToPeakMillis()).append(',')
                .append(r.lifetimeMillis()).append(',').append(r.spilledBytes()).append(',')
                .append(r.spillFiles()).append(',').append(r.denied() ? 1 : 0).append(',')
                .append(r.inputRecords()).append(',').append(r.inputBytes());
    }

    public static void append(StringBuilder out, SlotSample s) {
        out.append(s.timeMillis()).append(',').append(s.taskManager()).append(',').append(s.job()).append(',')
                .append(s.slot()).append(',').append(s.slots()).append(',').append(s.shareBytes()).append(',')
                .append(s.reservedBytes()).append(',').append(s.earmarkedBytes()).append(',')
                .append(s.entitlementBytes()).append(',').append(s.predictedBytes());
    }

    public static String line(ConsumerRecord r) {
        StringBuilder out = new StringBuilder(256);
        append(out, r);
        return out.toString();
    }

    public static String line(SlotSample s) {
        StringBuilder out = new StringBuilder(128);
        append(out, s);
        return out.toString();
    }

    // ------------------------------------------------------------------------
    //  Reading
    // ------------------------------------------------------------------------

    /** Parses one consumer line; throws {@link HistoryFormatException} with the reason when it is not one. */
    public static ConsumerRecord parseConsumer(String line) {
        Fields f = new Fields(line, CONSUMER_COLUMNS);
        return new ConsumerRecord(
                f.time(), f.text(), f.text(), f.text(), f.text(), f.kind(), f.index(), f.count(), f.index(),
                f.count(), f.bytes(), f.bytes(), f.bytes(), f.bytes(), f.bytes(), f.bytes(), f.bytes(), f.bytes(),
                f.bytes(), f.bytes(), f.flag(), f.bytes(), f.bytes());
    }

    /** Parses one slot-sample line; throws {@link HistoryFormatException} with the reason when it is not one. */
    public static SlotSample parseSlot(String line) {
        Fields f = new Fields(line, SLOT_COLUMNS);
        return new SlotSample(f.time(), f.text(), f.text(), f.index(), f.count(), f.bytes(), f.bytes(), f.bytes(),
                f.bytes(), f.bytes());
    }

    /** The fields of one line, consumed left to right, each checked against its column's type. */
    private static final class Fields {
        private final String[] values;
        private final List<String> columns;
        private int next;

        Fields(String line, List<String> columns) {
            if (line.length() > MAX_LINE_CHARS) {
                throw new HistoryFormatException("line longer than " + MAX_LINE_CHARS + " characters");
            }
            this.values = line.split(",", -1);
            this.columns = columns;
            if (values.length != columns.size()) {
                throw new HistoryFormatException(
                        values.length + " fields where " + columns.size() + " are expected");
            }
        }

        private String raw() {
            return values[next++];
        }

        private HistoryFormatException bad(String value, String expected) {
            return new HistoryFormatException(
                    "column " + columns.get(next - 1) + "='" + value + "' is not " + expected);
        }

        String text() {
            String v = raw();
            if (!v.equals("-") && !TEXT.matcher(v).matches()) {
                throw bad(v, "1-" + MAX_TEXT_CHARS + " characters of [A-Za-z0-9._:-]");
            }
            return v;
        }

        ConsumerKind kind() {
            String v = raw();
            try {
                return ConsumerKind.parse(v);
            } catch (IllegalArgumentException e) {
                throw bad(v, "a consumer kind");
            }
        }

        private long number(long min, String expected) {
            String v = raw();
            if (v.isEmpty() || v.length() > 19) {
                throw bad(v, expected);
            }
            try {
                long n = Long.parseLong(v);
                if (n < min) {
                    throw bad(v, expected);
                }
                return n;
            } catch (NumberFormatException e) {
                throw bad(v, expected);
            }
        }

        long time() {
            return number(0, "a time in milliseconds");
        }

        long bytes() {
            return number(-1, "a count of at least -1 (-1: not measured)");
        }

        int index() {
            long n = number(0, "an index from 0");
            if (n > Integer.MAX_VALUE) {
                throw bad(String.valueOf(n), "an index below 2^31");
            }
            return (int) n;
        }

        int count() {
            long n = number(1, "a count from 1");
            if (n > Integer.MAX_VALUE) {
                throw bad(String.valueOf(n), "a count below 2^31");
            }
            return (int) n;
        }

        boolean flag() {
            String v = raw();
            if (v.equals("0") || v.equals("1")) {
                return v.equals("1");
            }
            throw bad(v, "0 or 1");
        }
    }
}
