package io.adaptivememory.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void simulate_withoutHistory_printsUsageAndReturns2() {
        assertEquals(2, Simulate.run(List.of(), out));
        assertTrue(printed().contains("option --history is required"), printed());
        assertTrue(printed().contains(Simulate.USAGE), printed());
    }

    @Test
    void simulate_unknownPolicy_printsUsageAndReturns2() {
        assertEquals(2, Simulate.run(List.of("--history", "x", "--policies", "static,greedy"), out));
        assertTrue(printed().contains("unknown policy 'greedy'"), printed());
    }

    @Test
    void simulate_missingDirectory_returns1(@TempDir Path dir) {
        assertEquals(1, Simulate.run(List.of("--history", dir.resolve("none").toString()), out));
        assertTrue(printed().contains("no history at"), printed());
    }

    @Test
    void generate_skewAboveOne_printsUsageAndReturns2(@TempDir Path dir) {
        assertEquals(2, Generate.run(List.of("--out", dir.toString(), "--skew", "1.5"), out));
        assertTrue(printed().contains("--skew must be a number from 0.0 to 1.0, not '1.5'"), printed());
        assertTrue(printed().contains(Generate.USAGE), printed());
    }

    @Test
    void generateThenSimulate_withReport_writesTheTableWithItsCommand(@TempDir Path dir) throws IOException {
        Path history = dir.resolve("history");
        Path report = dir.resolve("report.md");
        assertEquals(0, Generate.run(List.of("--out", history.toString(), "--runs", "1", "--seed", "5"), out));

        List<String> args = List.of("--history", history.toString(), "--policies", "adaptive,static",
                "--report", report.toString());
        assertEquals(0, Simulate.run(args, out));

        String markdown = Files.readString(report);
        assertTrue(markdown.contains("simulate " + String.join(" ", args)), markdown);
        assertTrue(markdown.contains("|  | adaptive | static |"), markdown);
        assertTrue(markdown.contains("| spill avoided vs static (MiB) |"), markdown);
        assertTrue(printed().contains("20 consumers from 2 files"), printed());
    }
}
