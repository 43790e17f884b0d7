package io.adaptivememory.agent;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Flink whose hooked method changed: the real {@code UnsafeMemoryBudget} of the flink-runtime on
 * the test class path with {@code releaseMemory(long)} renamed, as a future release might do.
 */
final class ChangedFlink {

    static final String BUDGET_RESOURCE = "org/apache/flink/runtime/memory/UnsafeMemoryBudget.class";
    static final String RENAMED = "releaseMemoryBytes";

    private ChangedFlink() {}

    /** The changed class file. */
    static byte[] budgetWithRenamedRelease() {
        try (InputStream in = ChangedFlink.class.getClassLoader().getResourceAsStream(BUDGET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(BUDGET_RESOURCE + " is not on the test class path");
            }
            ClassReader reader = new ClassReader(in.readAllBytes());
            ClassWriter writer = new ClassWriter(0);
            reader.accept(new ClassRemapper(writer, new SimpleRemapper(
                    "org/apache/flink/runtime/memory/UnsafeMemoryBudget.releaseMemory(J)V", RENAMED)), 0);
            return writer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the changed class under {@code dir}, as a class path entry that shadows flink-runtime's. */
    static Path writeTo(Path dir) throws IOException {
        Path file = dir.resolve(BUDGET_RESOURCE);
        Files.createDirectories(file.getParent());
        Files.write(file, budgetWithRenamedRelease());
        return dir;
    }
}
