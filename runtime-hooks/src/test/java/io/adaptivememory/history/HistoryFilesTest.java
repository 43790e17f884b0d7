package io.adaptivememory.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

class HistoryFilesTest {

    private static final long MIB = 1 << 20;

    static ConsumerRecord record(String job, int subtask, long peakBytes, long spilledBytes) {
        return new ConsumerRecord(1_764_000_000_000L + subtask, "host-42-abc", job, "00ff00ff00ff00ff", "SortAggregate",
                ConsumerKind.SORT, subtask, 4, subtask, 4, 64 * MIB, 48 * MIB, 96 * MIB, -1, -1, peakBytes, 120, 900,
                spilledBytes, spilledBytes > 0 ? 3 : 0, spilledBytes > 0, 1000, 123_456);
    }

    @Test
    void writeThenRead_recordsAndSamples_roundTripExactly(@TempDir Path dir) throws IOException {
        ConsumerRecord a = record("job1", 0, 16 * MIB, 0);
        ConsumerRecord b = record("job1", 3, 64 * MIB, 40 * MIB);
        SlotSample s = new SlotSample(1_764_000_000_500L, "host-42-abc", "job1", 2, 4, 64 * MIB, 5 * MIB, 0,
                256 * MIB, -1);
        try (HistoryWriter w = HistoryWriter.open(dir, "host-42-abc", 64 * MIB)) {
            w.write(a);
            w.write(b);
            w.write(s);
            w.flush();
        }

        HistoryReader.History h = HistoryReader.read(dir);

        assertEquals(List.of(a, b), h.consumers());
        assertEquals(List.of(s), h.slots());
        assertEquals(List.of(), h.problems());
        assertEquals(2, h.files());
        assertEquals(104 * MIB, h.consumers().get(1).demandBytes());
    }

    @Test
    void read_tornLastLine_skipsItAndSaysSo(@TempDir Path dir) throws IOException {
        try (HistoryWriter w = HistoryWriter.open(dir, "tm", 64 * MIB)) {
            w.write(record("job1", 0, MIB, 0));
            w.flush();
        }
        Path file = only(dir, "consumers-");
        String full = HistoryFormat.line(record("job1", 1, MIB, 0));
        Files.writeString(file, full.substring(0, full.length() / 2), StandardOpenOption.APPEND);

        HistoryReader.History h = HistoryReader.read(dir);

        assertEquals(1, h.consumers().size());
        assertEquals(1, h.problems().size());
        assertTrue(h.problems().get(0).contains(":4: skipped: torn last line"), h.problems().get(0));
    }

    @Test
    void read_otherVersionOrNotHistory_refusesFileWithReason(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("consumers-a-000000.csv"),
                "# adaptive-memory-history consumers v2\n" + HistoryFormat.CONSUMERS_HEADER + "\n");
        Files.writeString(dir.resolve("slots-a-000000.csv"), HistoryFormat.SLOTS_MAGIC + "\nwrong,header\n");

        HistoryReader.History h = HistoryReader.read(dir);

        assertEquals(0, h.files());
        assertEquals(2, h.problems().size());
        assertTrue(h.problems().get(0).contains("refused: first line"), h.problems().get(0));
        assertTrue(h.problems().get(1).contains("refused: second line"), h.problems().get(1));
    }

    @Test
    void read_badLines_eachSkippedWithColumnAndReason(@TempDir Path dir) throws IOException {
        String good = HistoryFormat.line(record("job1", 0, MIB, 0));
        String[] bad = {
            good.replace("SortAggregate", "Sort Aggregate"),
            good.replace(",sort,", ",quicksort,"),
            good.replace(",-1,", ",-2,"),
            good + ",1",
            "x".repeat(5000),
            good.replaceFirst("^\\d+", "NaN"),
        };
        Files.writeString(dir.resolve("consumers-a-000000.csv"), HistoryFormat.CONSUMERS_MAGIC + "\n"
                + HistoryFormat.CONSUMERS_HEADER + "\n" + good + "\n" + String.join("\n", bad) + "\n",
                StandardCharsets.UTF_8);

        HistoryReader.History h = HistoryReader.read(dir);

        assertEquals(1, h.consumers().size());
        assertEquals(bad.length, h.problems().size(), String.join("\n", h.problems()));
        assertTrue(h.problems().get(0).contains("column operator='Sort Aggregate'"), h.problems().get(0));
        assertTrue(h.problems().get(1).contains("column kind='quicksort' is not a consumer kind"));
        assertTrue(h.problems().get(2).contains("column predicted_bytes='-2'"), h.problems().get(2));
        assertTrue(h.problems().get(3).contains("24 fields where 23 are expected"), h.problems().get(3));
        assertTrue(h.problems().get(4).contains("line longer than 1024"), h.problems().get(4));
        assertTrue(h.problems().get(5).contains("column end_ms='NaN'"), h.problems().get(5));
    }

    @Test
    void write_pastTheBound_rotatesAndDeletesOldestFiles(@TempDir Path dir) throws IOException {
        long maxBytes = 64 * 1024;
        try (HistoryWriter w = HistoryWriter.open(dir, "tm", maxBytes)) {
            for (int i = 0; i < 3000; i++) {
                w.write(record("job" + i, i % 4, MIB, 0));
            }
            w.flush();
        }

        long total = 0;
        int files = 0;
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path p : listing.toList()) {
                total += Files.size(p);
                files++;
            }
        }
        assertTrue(total <= maxBytes + maxBytes / (2 * HistoryWriter.FILES_PER_STREAM),
                "directory holds " + total + " bytes in " + files + " files");
        HistoryReader.History h = HistoryReader.read(dir);
        assertEquals(List.of(), h.problems());
        assertTrue(h.consumers().size() > 100 && h.consumers().size() < 3000, "kept " + h.consumers().size());
        assertEquals("job2999", h.consumers().get(h.consumers().size() - 1).job());
    }

    @Test
    void open_missingDirectory_createsItAndFilesOwnerOnly(@TempDir Path parent) throws IOException {
        Path dir = parent.resolve("history");
        try (HistoryWriter w = HistoryWriter.open(dir, "tm", 64 * MIB)) {
            w.write(record("job1", 0, MIB, 0));
            w.flush();
        }

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(only(dir, "consumers-"))));
    }

    @Test
    void open_pathIsAFile_throwsWithPath(@TempDir Path parent) throws IOException {
        Path file = Files.writeString(parent.resolve("not-a-dir"), "x");

        IOException e = assertThrows(IOException.class, () -> HistoryWriter.open(file, "tm", MIB));

        assertTrue(e.getMessage().contains("not-a-dir"), e.getMessage());
    }

    @Test
    void text_userDataLikeCharacters_areReplacedAndCut() {
        assertEquals("Calc_select:_a__b_", HistoryFormat.text("Calc(select: a, b)"));
        assertEquals(HistoryFormat.MAX_TEXT_CHARS, HistoryFormat.text("x".repeat(500)).length());
        assertEquals("-", HistoryFormat.text(""));
    }

    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            List<Path> matching = listing.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, matching.size(), matching.toString());
            return matching.get(0);
        }
    }
}
