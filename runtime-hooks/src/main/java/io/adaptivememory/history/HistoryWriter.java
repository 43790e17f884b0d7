package io.adaptivememory.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Appends history records to files under the history directory, bounded in size.
 *
 * <p>Two streams, {@code consumers-<tm>-<seq>.csv} and {@code slots-<tm>-<seq>.csv}, each file
 * starting with the format's magic and header lines (docs/HISTORY.md). A file is closed and the
 * next one started when it would exceed {@code maxBytes / 8}; whenever a file is started the
 * oldest history files of the directory (any TaskManager's, by modification time) are deleted
 * until all of them together fit in {@code maxBytes}, so a directory shared by many TaskManager
 * runs stays bounded too. Files and a directory the writer creates are readable by their owner
 * only. Lines are flushed at the end of each batch: a TaskManager killed mid-write leaves at most
 * one torn last line, which the reader skips.
 */
public final class HistoryWriter implements Closeable {

    /** Files per stream the size bound is divided into. */
    static final int FILES_PER_STREAM = 4;

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;
    private final String taskManager;
    private final long maxBytes;
    private final long maxFileBytes;
    private final FileSequence consumers;
    private final FileSequence slots;
    private final StringBuilder line = new StringBuilder(256);

    private HistoryWriter(Path dir, String taskManager, long maxBytes) {
        this.dir = dir;
        this.taskManager = taskManager;
        this.maxBytes = maxBytes;
        this.maxFileBytes = Math.max(4096, maxBytes / (2 * FILES_PER_STREAM));
        this.consumers = new FileSequence("consumers", HistoryFormat.CONSUMERS_MAGIC, HistoryFormat.CONSUMERS_HEADER);
        this.slots = new FileSequence("slots", HistoryFormat.SLOTS_MAGIC, HistoryFormat.SLOTS_HEADER);
    }

    /**
     * A writer for {@code dir}, created owner-only if missing. Throws, with the reason, when the
     * path is not a writable directory.
     */
    public static HistoryWriter open(Path dir, String taskManager, long maxBytes) throws IOException {
        if (!Files.exists(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException(dir + " is not a writable directory");
        }
        return new HistoryWriter(dir, HistoryFormat.text(taskManager), maxBytes);
    }

    public void write(ConsumerRecord record) throws IOException {
        line.setLength(0);
        HistoryFormat.append(line, record);
        consumers.append(line);
    }

    public void write(SlotSample sample) throws IOException {
        line.setLength(0);
        HistoryFormat.append(line, sample);
        slots.append(line);
    }

    /** Makes every line written so far durable against a killed process (not against power loss). */
    public void flush() throws IOException {
        consumers.flush();
        slots.flush();
    }

    @Override
    public void close() throws IOException {
        consumers.close();
        slots.close();
    }

    /** Deletes the oldest history files until the directory's history fits in {@code maxBytes}. */
    private void enforceBound() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(p -> HistoryReader.isHistoryFile(p.getFileName().toString())).forEach(files::add);
        }
        files.sort(Comparator.comparingLong(HistoryWriter::modified));
        long total = 0;
        for (Path p : files) {
            total += size(p);
        }
        for (Path p : files) {
            if (total <= maxBytes) {
                break;
            }
            if (consumers.isCurrent(p) || slots.isCurrent(p)) {
                continue;
            }
            total -= size(p);
            Files.deleteIfExists(p);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException gone) {
            return Long.MAX_VALUE;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** One rotating sequence of files. */
    private final class FileSequence implements Closeable {
        private final String name;
        private final String magic;
        private final String header;
        private int sequence;
        private Path current;
        private BufferedWriter out;
        private long written;

        FileSequence(String name, String magic, String header) {
            this.name = name;
            this.magic = magic;
            this.header = header;
        }

        void append(CharSequence text) throws IOException {
            if (out == null || written + text.length() + 1 > maxFileBytes) {
                start();
            }
            out.append(text).append('\n');
            written += text.length() + 1;
        }

        private void start() throws IOException {
            close();
            do {
                current = dir.resolve(String.format("%s-%s-%06d.csv", name, taskManager, sequence++));
            } while (Files.exists(current));
            FileAttribute<?>[] attributes = POSIX
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            Files.createFile(current, attributes);
            out = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(current, StandardOpenOption.APPEND), StandardCharsets.UTF_8));
            out.append(magic).append('\n').append(header).append('\n');
            written = magic.length() + header.length() + 2;
            out.flush();
            enforceBound();
        }

        boolean isCurrent(Path p) {
            return p.equals(current);
        }

        void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
}
