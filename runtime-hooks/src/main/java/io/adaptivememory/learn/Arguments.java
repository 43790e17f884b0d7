package io.adaptivememory.learn;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's {@code --name value} options: every option must be known and given once, every
 * required one present, and values are checked when read; any deviation is a
 * {@link UsageException} whose message says which option and why.
 */
public final class Arguments {

    /** A command line that does not fit the command's usage: exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values;

    private Arguments(Map<String, String> values) {
        this.values = values;
    }

    public static Arguments parse(List<String> args, Set<String> required, Set<String> optional) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!name.startsWith("--") || !(required.contains(name.substring(2))
                    || optional.contains(name.substring(2)))) {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("option " + name + " needs a value");
            }
            if (values.put(name.substring(2), args.get(i + 1)) != null) {
                throw new UsageException("option " + name + " given twice");
            }
        }
        for (String name : required) {
            if (!values.containsKey(name)) {
                throw new UsageException("option --" + name + " is required");
            }
        }
        return new Arguments(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The option's value, or {@code fallback} when it was not given. */
    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public Path path(String name) {
        return Path.of(values.get(name));
    }

    public long whole(String name, long fallback, long min, long max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException("--" + name + " must be a whole number from " + min + " to " + max + ", not '" + v
                + "'");
    }

    public double number(String name, double fallback, double min, double max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException("--" + name + " must be a number from " + min + " to " + max + ", not '" + v + "'");
    }
}
