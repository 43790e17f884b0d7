package io.adaptivememory.estimate;

import io.adaptivememory.history.ConsumerKind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fitted demand models of one training run, and their file format, version 1.
 *
 * <p>The format is UTF-8 text, one item per line, single spaces between tokens, lines ending in
 * {@code \n}, no blank lines and no comments besides the first line:
 *
 * <pre>
 * # adaptive-memory-model v1
 * features 1 bias,prev_input_mib,requested_mib,inv_parallelism,prev_demand_mib,has_previous
 * created_ms &lt;epoch milliseconds&gt;
 * trained_rows &lt;training rows&gt;
 * models &lt;number of model sections that follow, 1..9&gt;
 * model &lt;kind&gt; linear
 * mean &lt;6 numbers&gt;
 * scale &lt;6 numbers&gt;
 * weights &lt;6 numbers&gt;
 * residual_mib &lt;number&gt;
 * end
 * model &lt;kind&gt; network &lt;units, 1..32&gt;
 * mean &lt;6 numbers&gt;
 * scale &lt;6 numbers&gt;
 * target &lt;mean&gt; &lt;scale&gt;
 * hidden &lt;units * 6 numbers: unit 0's six input weights, then unit 1's, ...&gt;
 * hidden_bias &lt;units numbers&gt;
 * output &lt;units numbers&gt;
 * output_bias &lt;number&gt;
 * residual_mib &lt;number&gt;
 * end
 * </pre>
 *
 * The second line is {@link Features#VERSION} and {@link Features#NAMES}: a model trained on
 * another feature vector is refused, not misread. {@code <kind>} is a {@link ConsumerKind#id()}
 * or {@code all} (the pooled model used for kinds without one of their own); each at most once.
 * The sections are {@link LinearModel} and {@link NeuralNetwork}, whose Javadoc gives the formulas.
 * A number is a decimal {@code -?digits[.digits][e[+-]digits]} (what {@link Double#toString}
 * writes), finite, with magnitude at most {@link #MAX_MAGNITUDE}; scales and the target scale are
 * positive, residuals not negative. Nothing may follow the last section.
 *
 * <p>The parser is strict and bounded: a file larger than {@link #MAX_BYTES} is refused before it
 * is read, and every deviation is a {@link ModelFileException} naming the file, the line and what
 * was expected. There is no Java deserialization and no reflection.
 */
public final class ModelFile {

    public static final String MAGIC = "# adaptive-memory-model v1";
    public static final int MAX_BYTES = 64 * 1024;
    /** The largest magnitude any parameter may have; anything bigger is a broken fit. */
    public static final double MAX_MAGNITUDE = 1e9;
    /** The kind token of the pooled model. */
    public static final String ALL = "all";

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,20}(\\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?");
    private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final int MAX_MODELS = ConsumerKind.values().length + 1;

    private final Map<ConsumerKind, DemandModel> models;
    private final DemandModel fallback;
    private final int trainedRows;
    private final long createdMillis;

    /**
     * @param models the kind-specific models ({@link LinearModel} or {@link NeuralNetwork})
     * @param fallback the pooled model, or null
     */
    public ModelFile(Map<ConsumerKind, DemandModel> models, DemandModel fallback, int trainedRows,
            long createdMillis) {
        EnumMap<ConsumerKind, DemandModel> copy = new EnumMap<>(ConsumerKind.class);
        copy.putAll(models);
        if (copy.isEmpty() && fallback == null) {
            throw new IllegalArgumentException("a model file needs at least one model");
        }
        for (DemandModel m : copy.values()) {
            checkWritable(m);
        }
        if (fallback != null) {
            checkWritable(fallback);
        }
        if (trainedRows < 0 || createdMillis < 0) {
            throw new IllegalArgumentException("trained rows and creation time must not be negative");
        }
        this.models = Collections.unmodifiableMap(copy);
        this.fallback = fallback;
        this.trainedRows = trainedRows;
        this.createdMillis = createdMillis;
    }

    /** The kind-specific models. */
    public Map<ConsumerKind, DemandModel> models() {
        return models;
    }

    /** The pooled model for kinds without their own, or null. */
    public DemandModel fallback() {
        return fallback;
    }

    /** The model for {@code kind}: its own, else the pooled one, else null. */
    public DemandModel modelFor(ConsumerKind kind) {
        DemandModel own = models.get(kind);
        return own != null ? own : fallback;
    }

    public int trainedRows() {
        return trainedRows;
    }

    public long createdMillis() {
        return createdMillis;
    }

    // ------------------------------------------------------------------------
    //  Writing
    // ------------------------------------------------------------------------

    /** The file's text. */
    public String format() {
        StringBuilder out = new StringBuilder(4096);
        out.append(MAGIC).append('\n');
        out.append("features ").append(Features.VERSION).append(' ').append(Features.NAMES).append('\n');
        out.append("created_ms ").append(createdMillis).append('\n');
        out.append("trained_rows ").append(trainedRows).append('\n');
        out.append("models ").append(models.size() + (fallback == null ? 0 : 1)).append('\n');
        models.forEach((kind, model) -> appendModel(out, kind.id(), model));
        if (fallback != null) {
            appendModel(out, ALL, fallback);
        }
        return out.toString();
    }

    /**
     * Writes the file atomically: to a temporary file in the same directory (owner read/write
     * only where the file system has POSIX permissions), then moved over {@code path}, so a
     * reader never sees half a file.
     */
    public void write(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        String prefix = target.getFileName() + ".";
        Path temp = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(dir, prefix, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            Files.writeString(temp, format(), StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void appendModel(StringBuilder out, String kind, DemandModel model) {
        if (model instanceof LinearModel m) {
            out.append("model ").append(kind).append(" linear\n");
            appendNumbers(out, "mean", m.mean());
            appendNumbers(out, "scale", m.scale());
            appendNumbers(out, "weights", m.weights());
        } else {
            NeuralNetwork n = (NeuralNetwork) model;
            out.append("model ").append(kind).append(" network ").append(n.units()).append('\n');
            appendNumbers(out, "mean", n.mean());
            appendNumbers(out, "scale", n.scale());
            appendNumbers(out, "target", new double[] {n.targetMean(), n.targetScale()});
            appendNumbers(out, "hidden", n.hidden());
            appendNumbers(out, "hidden_bias", n.hiddenBias());
            appendNumbers(out, "output", n.output());
            appendNumbers(out, "output_bias", new double[] {n.outputBias()});
        }
        appendNumbers(out, "residual_mib", new double[] {model.residualMiB()});
        out.append("end\n");
    }

    private static void appendNumbers(StringBuilder out, String keyword, double[] values) {
        out.append(keyword);
        for (double v : values) {
            // 0.0 rather than -0.0: the same value, and the parser's pattern stays simple
            out.append(' ').append(v == 0 ? 0.0 : v);
        }
        out.append('\n');
    }

    private static void checkWritable(DemandModel model) {
        if (!(model instanceof LinearModel) && !(model instanceof NeuralNetwork)) {
            throw new IllegalArgumentException("a model file holds LinearModel and NeuralNetwork, not " + model);
        }
    }

    // ------------------------------------------------------------------------
    //  Reading
    // ------------------------------------------------------------------------

    /** Reads and checks a model file; files larger than {@link #MAX_BYTES} are refused unread. */
    public static ModelFile read(Path path) throws ModelFileException, IOException {
        String name = path.toString();
        if (Files.size(path) > MAX_BYTES) {
            throw new ModelFileException(name + ": larger than " + MAX_BYTES + " bytes; not a model file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            // the file may have grown since its size was read
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new ModelFileException(name + ": larger than " + MAX_BYTES + " bytes; not a model file");
        }
        return parse(name, new String(bytes, StandardCharsets.UTF_8));
    }

    /** Parses and checks a model file's text; {@code fileName} only names it in messages. */
    public static ModelFile parse(String fileName, String content) throws ModelFileException {
        if (content.length() > MAX_BYTES) {
            throw new ModelFileException(fileName + ": larger than " + MAX_BYTES + " bytes; not a model file");
        }
        return new Parser(fileName, content).file();
    }

    /** Reads the lines top to bottom; every method checks one line and names it on failure. */
    private static final class Parser {
        private final String fileName;
        private final String[] lines;
        private final int count;
        private int next;

        Parser(String fileName, String content) {
            this.fileName = fileName;
            this.lines = content.split("\n", -1);
            // a final line break leaves one empty string behind it
            this.count = content.endsWith("\n") ? lines.length - 1 : lines.length;
        }

        ModelFile file() throws ModelFileException {
            String magic = line();
            if (!magic.equals(MAGIC)) {
                throw bad("'" + MAGIC + "' (another version, or not a model file)", magic);
            }
            String features = line();
            String expectedFeatures = "features " + Features.VERSION + " " + Features.NAMES;
            if (!features.equals(expectedFeatures)) {
                throw bad("'" + expectedFeatures + "' (the model was trained on another feature vector)",
                        features);
            }
            long createdMillis = count(single("created_ms"), Long.MAX_VALUE, "created_ms");
            int trainedRows = (int) count(single("trained_rows"), Integer.MAX_VALUE, "trained_rows");
            int sections = (int) count(single("models"), MAX_MODELS, "models");
            if (sections < 1) {
                throw bad("'models <1.." + MAX_MODELS + ">'", lines[next - 1]);
            }
            EnumMap<ConsumerKind, DemandModel> models = new EnumMap<>(ConsumerKind.class);
            DemandModel fallback = null;
            for (int s = 0; s < sections; s++) {
                String[] header = tokens();
                int headerLine = next;
                if (header.length < 3 || !header[0].equals("model")) {
                    throw bad("'model <kind> linear' or 'model <kind> network <units>'", lines[next - 1]);
                }
                ConsumerKind kind = kind(header[1]);
                DemandModel model = model(header);
                if (kind == null) {
                    if (fallback != null) {
                        throw at(headerLine, "a second '" + ALL + "' model");
                    }
                    fallback = model;
                } else if (models.put(kind, model) != null) {
                    throw at(headerLine, "a second model for kind '" + kind.id() + "'");
                }
            }
            if (next < count) {
                next++;
                throw bad("the end of the file after " + sections + " model sections", lines[next - 1]);
            }
            return new ModelFile(models, fallback, trainedRows, createdMillis);
        }

        private ConsumerKind kind(String token) throws ModelFileException {
            if (token.equals(ALL)) {
                return null;
            }
            try {
                return ConsumerKind.parse(token);
            } catch (IllegalArgumentException e) {
                throw bad("a consumer kind or '" + ALL + "'", token);
            }
        }

        private DemandModel model(String[] header) throws ModelFileException {
            int size = Features.SIZE;
            DemandModel model;
            if (header[2].equals("linear") && header.length == 3) {
                double[] mean = numbers("mean", size);
                double[] scale = positive("scale", size);
                double[] weights = numbers("weights", size);
                model = new LinearModel(mean, scale, weights, residual());
            } else if (header[2].equals("network") && header.length == 4) {
                int units = (int) count(header[3], NeuralNetwork.MAX_UNITS, "hidden units");
                if (units < 1) {
                    throw bad("hidden units 1.." + NeuralNetwork.MAX_UNITS, header[3]);
                }
                double[] mean = numbers("mean", size);
                double[] scale = positive("scale", size);
                double[] target = numbers("target", 2);
                if (target[1] <= 0) {
                    throw bad("a positive target scale", lines[next - 1]);
                }
                double[] hidden = numbers("hidden", units * size);
                double[] hiddenBias = numbers("hidden_bias", units);
                double[] output = numbers("output", units);
                double outputBias = numbers("output_bias", 1)[0];
                model = new NeuralNetwork(mean, scale, target[0], target[1], hidden, hiddenBias, output, outputBias,
                        residual());
            } else {
                throw bad("'model <kind> linear' or 'model <kind> network <units>'", lines[next - 1]);
            }
            String end = line();
            if (!end.equals("end")) {
                throw bad("'end'", end);
            }
            return model;
        }

        private double residual() throws ModelFileException {
            double r = numbers("residual_mib", 1)[0];
            if (r < 0) {
                throw bad("a residual of at least 0", lines[next - 1]);
            }
            return r;
        }

        private double[] positive(String keyword, int n) throws ModelFileException {
            double[] values = numbers(keyword, n);
            for (double v : values) {
                if (v <= 0) {
                    throw bad("'" + keyword + "' with " + n + " positive numbers", lines[next - 1]);
                }
            }
            return values;
        }

        private double[] numbers(String keyword, int n) throws ModelFileException {
            String[] t = tokens();
            String what = "'" + keyword + "' with " + n + " number" + (n == 1 ? "" : "s");
            if (!t[0].equals(keyword) || t.length != n + 1) {
                throw bad(what, lines[next - 1]);
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                String v = t[i + 1];
                if (!NUMBER.matcher(v).matches()) {
                    throw bad(what + " (decimal, finite)", v);
                }
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d) || Math.abs(d) > MAX_MAGNITUDE) {
                    throw bad(what + " of magnitude at most " + MAX_MAGNITUDE, v);
                }
                values[i] = d;
            }
            return values;
        }

        private String single(String keyword) throws ModelFileException {
            String[] t = tokens();
            if (t.length != 2 || !t[0].equals(keyword)) {
                throw bad("'" + keyword + " <count>'", lines[next - 1]);
            }
            return t[1];
        }

        private long count(String token, long max, String what) throws ModelFileException {
            if (!COUNT.matcher(token).matches() || Long.parseLong(token) > max) {
                throw bad(what + " as a whole number 0.." + max, token);
            }
            return Long.parseLong(token);
        }

        private String[] tokens() throws ModelFileException {
            return line().split(" ", -1);
        }

        private String line() throws ModelFileException {
            if (next >= count) {
                throw new ModelFileException(fileName + ":" + (next + 1)
                        + ": unexpected end of file (a section or line is missing)");
            }
            return lines[next++];
        }

        private ModelFileException bad(String expected, String found) {
            String shown = found.length() > 40 ? found.substring(0, 40) + "..." : found;
            return at(next, "expected " + expected + ", found '" + shown + "'");
        }

        private ModelFileException at(int line, String message) {
            return new ModelFileException(fileName + ":" + line + ": " + message);
        }
    }

    // ------------------------------------------------------------------------
    //  Parameter checks shared by the models' constructors
    // ------------------------------------------------------------------------

    static double[] vector(String name, double[] values, int length) {
        if (values.length != length) {
            throw new IllegalArgumentException(name + " needs " + length + " values, not " + values.length);
        }
        double[] copy = values.clone();
        for (double v : copy) {
            number(name, v);
        }
        return copy;
    }

    static double[] scales(String name, double[] values, int length) {
        double[] copy = vector(name, values, length);
        for (double v : copy) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, not " + v);
            }
        }
        return copy;
    }

    static double number(String name, double value) {
        if (!Double.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s must be finite and at most %.0e in magnitude, not %s", name,
                            MAX_MAGNITUDE, value));
        }
        return value;
    }

    static double residual(double residualMiB) {
        if (number("residual", residualMiB) < 0) {
            throw new IllegalArgumentException("residual must not be negative, not " + residualMiB);
        }
        return residualMiB;
    }
}
