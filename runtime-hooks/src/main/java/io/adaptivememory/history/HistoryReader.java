package io.adaptivememory.history;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads a history directory (or one file) back: every {@code consumers-*.csv} and
 * {@code slots-*.csv} file, oldest first. Reading is strict and bounded and never fatal for
 * damaged lines: a line that does not parse (above all the torn last line of a TaskManager
 * killed mid-write) is skipped and reported with its file, line number and reason. A file whose
 * first two lines are not this version's magic and header is refused whole, with the reason.
 */
public final class HistoryReader {

    /** More records than this in one read is refused: the offline tools hold them in memory. */
    public static final int MAX_RECORDS = 5_000_000;

    /** What was read, and what was skipped and why. */
    public record History(List<ConsumerRecord> consumers, List<SlotSample> slots, List<String> problems,
            int files) {}

    private final List<ConsumerRecord> consumers = new ArrayList<>();
    private final List<SlotSample> slots = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int files;

    private HistoryReader() {}

    /** Reads every history file under {@code path} (a directory, or one file). */
    public static History read(Path path) throws IOException {
        HistoryReader reader = new HistoryReader();
        List<Path> paths;
        if (Files.isDirectory(path)) {
            try (Stream<Path> listing = Files.list(path)) {
                paths = listing.filter(p -> isHistoryFile(p.getFileName().toString())).sorted().toList();
            }
        } else if (Files.isRegularFile(path)) {
            paths = List.of(path);
        } else {
            throw new IOException("no history at " + path + ": not a file or directory");
        }
        for (Path p : paths) {
            reader.readFile(p);
        }
        return new History(List.copyOf(reader.consumers), List.copyOf(reader.slots), List.copyOf(reader.problems),
                reader.files);
    }

    static boolean isHistoryFile(String name) {
        return (name.startsWith("consumers-") || name.startsWith("slots-")) && name.endsWith(".csv");
    }

    private void readFile(Path file) throws IOException {
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(in, HistoryFormat.MAX_LINE_CHARS);
            String magic = lines.next();
            if (HistoryFormat.CONSUMERS_MAGIC.equals(magic)) {
                readRecords(file, lines, HistoryFormat.CONSUMERS_HEADER, HistoryFormat::parseConsumer, consumers);
            } else if (HistoryFormat.SLOTS_MAGIC.equals(magic)) {
                readRecords(file, lines, HistoryFormat.SLOTS_HEADER, HistoryFormat::parseSlot, slots);
            } else {
                problems.add(file + ": refused: first line is not '" + HistoryFormat.CONSUMERS_MAGIC + "' or '"
                        + HistoryFormat.SLOTS_MAGIC + "' (another version, or not a history file)");
            }
        }
    }

    private <T> void readRecords(Path file, BoundedLines lines, String header, Function<String, T> parse,
            List<T> into) throws IOException {
        String columns = lines.next();
        if (!header.equals(columns)) {
            problems.add(file + ": refused: second line is not the column header '" + header + "'");
            return;
        }
        files++;
        String line;
        while ((line = lines.next()) != null) {
            if (lines.torn()) {
                problems.add(file + ":" + lines.number() + ": skipped: torn last line (no line break)");
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            if (consumers.size() + slots.size() >= MAX_RECORDS) {
                throw new IOException("more than " + MAX_RECORDS + " history records; read a smaller directory");
            }
            try {
                into.add(parse.apply(line));
            } catch (HistoryFormatException e) {
                problems.add(file + ":" + lines.number() + ": skipped: " + e.getMessage());
            }
        }
    }

    /**
     * Lines of at most {@code max} characters; a longer line is returned cut (so it fails to
     * parse) and the rest of it is skipped, so no input can make the reader hold an unbounded line.
     */
    private static final class BoundedLines {
        private final Reader in;
        private final int max;
        private final StringBuilder line = new StringBuilder();
        private int number;
        private boolean torn;

        BoundedLines(Reader in, int max) {
            this.in = in;
            this.max = max;
        }

        String next() throws IOException {
            line.setLength(0);
            int c;
            boolean any = false;
            while ((c = in.read()) != -1) {
                any = true;
                if (c == '\n') {
                    number++;
                    torn = false;
                    return line.toString();
                }
                if (line.length() <= max) {
                    line.append((char) c);
                }
            }
            if (!any) {
                return null;
            }
            number++;
            torn = true;
            return line.toString();
        }

        boolean torn() {
            return torn;
        }

        int number() {
            return number;
        }
    }
}
