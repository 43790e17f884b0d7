package io.adaptivememory.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adaptivememory.history.ConsumerKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

class ModelFileTest {

    private static final double[] MEAN = {0, 12.5, 32, 0.25, 40.125, 0.5};
    private static final double[] SCALE = {1, 3.5, 8, 0.1, 20, 0.5};

    private static LinearModel linear() {
        return new LinearModel(MEAN, SCALE, new double[] {50, 1.5, -2.25, 0.125, 7, -1e-7}, 3.25);
    }

    private static NeuralNetwork network() {
        double[] hidden = new double[2 * Features.SIZE];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (i - 5.5) / 7;
        }
        return new NeuralNetwork(MEAN, SCALE, 44.5, 12.75, hidden, new double[] {0.1, -0.2},
                new double[] {0.8, -1.3}, 0.05, 2.5);
    }

    private static ModelFile file() {
        return new ModelFile(Map.of(ConsumerKind.SORT, network(), ConsumerKind.HASH_JOIN, linear()), linear(), 1234,
                1_700_000_000_000L);
    }

    private static final List<double[]> INPUTS = List.of(
            new double[] {1, 0, 32, 0.25, 0, 0},
            new double[] {1, 400, 16, 1, 150, 1},
            new double[] {1, 3.75, 64, 0.125, 9.5, 1});

    @Test
    void writeThenRead_sameParametersAndPredictions(@TempDir Path dir) throws Exception {
        ModelFile written = file();
        Path path = dir.resolve("model.txt");

        written.write(path);
        ModelFile read = ModelFile.read(path);

        assertEquals(written.format(), read.format());
        assertEquals(1234, read.trainedRows());
        assertEquals(1_700_000_000_000L, read.createdMillis());
        assertEquals(written.models().keySet(), read.models().keySet());
        for (double[] x : INPUTS) {
            for (ConsumerKind kind : written.models().keySet()) {
                assertEquals(written.models().get(kind).predictMiB(x), read.models().get(kind).predictMiB(x), 0);
            }
            assertEquals(written.fallback().predictMiB(x), read.fallback().predictMiB(x), 0);
        }
        assertEquals(3.25, read.models().get(ConsumerKind.HASH_JOIN).residualMiB(), 0);
        assertEquals(2.5, read.models().get(ConsumerKind.SORT).residualMiB(), 0);
    }

    @Test
    void write_posixFileSystem_ownerOnlyAndNoTemporaryLeft(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("model.txt");
        file().write(path);
        file().write(path);

        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(path), listing.toList());
        }
    }

    @Test
    void modelFor_kindWithoutOwnModel_fallsBackToPooled() throws ModelFileException {
        ModelFile read = ModelFile.parse("m", file().format());

        assertEquals(read.fallback(), read.modelFor(ConsumerKind.ROCKSDB));
        assertEquals(read.models().get(ConsumerKind.SORT), read.modelFor(ConsumerKind.SORT));
    }

    @Test
    void parse_noPooledModel_fallbackIsNull() throws ModelFileException {
        String text = new ModelFile(Map.of(ConsumerKind.SORT, linear()), null, 5, 6).format();

        assertNull(ModelFile.parse("m", text).fallback());
    }

    @Test
    void parse_noFinalLineBreak_accepted() throws ModelFileException {
        String text = file().format();

        ModelFile read = ModelFile.parse("m", text.substring(0, text.length() - 1));

        assertEquals(2, read.models().size());
        assertEquals(text, read.format());
    }

    // ------------------------------------------------------------------------
    //  Refusals: each names the file, the line and what was expected
    // ------------------------------------------------------------------------

    /** The file's text with line {@code number} (1-based) replaced. */
    private static String replaceLine(int number, String replacement) {
        String[] lines = file().format().split("\n", -1);
        lines[number - 1] = replacement;
        return String.join("\n", lines);
    }

    private static String lineStarting(String prefix) {
        return file().format().lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static int lineNumber(String line) {
        return file().format().lines().toList().indexOf(line) + 1;
    }

    private static String refusal(String text) {
        return assertThrows(ModelFileException.class, () -> ModelFile.parse("model.txt", text)).getMessage();
    }

    @Test
    void read_largerThan64KiB_refusedUnread(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("big.txt");
        Files.writeString(path, file().format() + "#".repeat(ModelFile.MAX_BYTES), StandardCharsets.UTF_8);

        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(path));

        assertEquals(path + ": larger than 65536 bytes; not a model file", e.getMessage());
    }

    @Test
    void parse_wrongMagic_refused() {
        assertEquals("model.txt:1: expected '# adaptive-memory-model v1' (another version, or not a model file),"
                + " found '# adaptive-memory-model v2'", refusal(replaceLine(1, "# adaptive-memory-model v2")));
    }

    @Test
    void parse_otherFeatureVersion_refused() {
        String message = refusal(replaceLine(2, "features 2 " + Features.NAMES));

        assertTrue(message.startsWith("model.txt:2: expected 'features 1 bias,prev_input_mib,"), message);
        assertTrue(message.contains("trained on another feature vector"), message);
    }

    @Test
    void parse_otherFeatureNames_refused() {
        String message = refusal(replaceLine(2, "features 1 bias,input_mib,requested_mib,inv_parallelism,"
                + "prev_demand_mib,has_previous"));

        assertTrue(message.startsWith("model.txt:2: expected 'features 1 "), message);
    }

    @Test
    void parse_unknownKind_refused() {
        String header = lineStarting("model hash_join");
        String message = refusal(replaceLine(lineNumber(header), "model merge_join linear"));

        assertEquals("model.txt:" + lineNumber(header) + ": expected a consumer kind or 'all', found 'merge_join'",
                message);
    }

    @Test
    void parse_wrongDimension_refused() {
        String weights = lineStarting("weights");

        String message = refusal(replaceLine(lineNumber(weights), "weights 1 2 3 4 5"));

        assertEquals("model.txt:" + lineNumber(weights) + ": expected 'weights' with 6 numbers, found 'weights 1 2 3"
                + " 4 5'", message);
    }

    @Test
    void parse_hiddenLineOfWrongLength_refused() {
        String hidden = lineStarting("hidden ");

        String message = refusal(replaceLine(lineNumber(hidden), hidden.substring(0, hidden.lastIndexOf(' '))));

        assertTrue(message.startsWith("model.txt:" + lineNumber(hidden) + ": expected 'hidden' with 12 numbers"),
                message);
    }

    @Test
    void parse_nonFiniteNumbers_refused() {
        String mean = lineStarting("mean");
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "0x1p3", "1d", "1e999", "+1", "")) {
            String message = refusal(replaceLine(lineNumber(mean), "mean 0 1 2 3 4 " + bad));

            assertTrue(message.startsWith("model.txt:" + lineNumber(mean) + ": expected 'mean' with 6 numbers"),
                    bad + ": " + message);
        }
    }

    @Test
    void parse_absurdMagnitude_refused() {
        String weights = lineStarting("weights");

        String message = refusal(replaceLine(lineNumber(weights), "weights 1 2 3 4 5 1.5E9"));

        assertEquals("model.txt:" + lineNumber(weights) + ": expected 'weights' with 6 numbers of magnitude at most"
                + " 1.0E9, found '1.5E9'", message);
    }

    @Test
    void parse_zeroScale_refused() {
        String scale = lineStarting("scale");

        String message = refusal(replaceLine(lineNumber(scale), "scale 1 1 1 0 1 1"));

        assertEquals("model.txt:" + lineNumber(scale) + ": expected 'scale' with 6 positive numbers, found"
                + " 'scale 1 1 1 0 1 1'", message);
    }

    @Test
    void parse_missingSection_refused() {
        String text = file().format();
        String withoutLast = text.substring(0, text.lastIndexOf("model all"));

        String message = refusal(withoutLast);

        assertEquals("model.txt:" + (withoutLast.lines().count() + 1)
                + ": unexpected end of file (a section or line is missing)", message);
    }

    @Test
    void parse_missingLine_refused() {
        String residual = lineStarting("residual_mib");
        String text = file().format().replaceFirst(residual + "\n", "");

        String message = refusal(text);

        assertEquals("model.txt:" + lineNumber(residual) + ": expected 'residual_mib' with 1 number, found 'end'",
                message);
    }

    @Test
    void parse_trailingGarbage_refused() {
        String text = file().format();
        int lines = (int) text.lines().count();

        assertEquals("model.txt:" + (lines + 1) + ": expected the end of the file after 3 model sections, found"
                + " 'weights 1 2'", refusal(text + "weights 1 2\n"));
    }

    @Test
    void parse_duplicateKind_refused() {
        String text = file().format().replace("model hash_join linear", "model sort linear");

        assertTrue(refusal(text).endsWith(": a second model for kind 'sort'"), refusal(text));
    }

    @Test
    void parse_tooManyHiddenUnits_refused() {
        String header = lineStarting("model sort network");

        String message = refusal(replaceLine(lineNumber(header), "model sort network 33"));

        assertEquals("model.txt:" + lineNumber(header) + ": expected hidden units as a whole number 0..32, found '33'",
                message);
    }

    @Test
    void parse_windowsLineEnds_refused() {
        String message = refusal(file().format().replace("\n", "\r\n"));

        assertTrue(message.startsWith("model.txt:1: expected '# adaptive-memory-model v1'"), message);
    }

    @Test
    void parse_oversizedContent_refused() {
        String message = refusal("x".repeat(ModelFile.MAX_BYTES + 1));

        assertEquals("model.txt: larger than 65536 bytes; not a model file", message);
    }

    @Test
    void format_largestFile_staysUnderTheLimit() {
        double[] hidden = new double[NeuralNetwork.MAX_UNITS * Features.SIZE];
        double[] units = new double[NeuralNetwork.MAX_UNITS];
        Arrays.fill(hidden, -1.2345678901234567E-100);
        Arrays.fill(units, -1.2345678901234567E-100);
        double[] wide = new double[Features.SIZE];
        Arrays.fill(wide, 1.2345678901234567E-100);
        NeuralNetwork n = new NeuralNetwork(wide, wide, -1.2345678901234567E-100, 1.2345678901234567E-100, hidden,
                units, units, -1.2345678901234567E-100, 1.2345678901234567E-100);
        Map<ConsumerKind, DemandModel> all = new EnumMap<>(ConsumerKind.class);
        for (ConsumerKind k : ConsumerKind.values()) {
            all.put(k, n);
        }

        assertTrue(new ModelFile(all, n, Integer.MAX_VALUE, Long.MAX_VALUE).format().length() < ModelFile.MAX_BYTES);
    }
}
