package io.adaptivememory.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files the integration tests leave under target/ from an earlier run. */
final class TestFiles {

    private TestFiles() {}

    /** Deletes {@code dir} and everything below it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                Files.delete(p);
            }
        }
    }
}
