package io.adaptivememory.simulate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of an offline command. Every option takes one value; an
 * unknown option, a missing value or a value of the wrong type is a {@link UsageException} that
 * names the option.
 */
final class CommandLine {

    /** A command line that does not fit the command's usage; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new HashMap<>();

    private CommandLine() {}

    static CommandLine parse(List<String> args, Set<String> known) throws UsageException {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("option '" + name + "' needs a value");
            }
            if (line.values.put(name.substring(2), args.get(i + 1)) != null) {
                throw new UsageException("option '" + name + "' given twice");
            }
        }
        return line;
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            throw new UsageException("option '--" + name + "' is required");
        }
        return value;
    }

    /** An integer in [min, max]. */
    int integer(String name, int fallback, int min, int max) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException("option '--" + name + "'='" + value + "' is not an integer in [" + min + ", " + max
                + "]");
    }

    /** A number in [min, max]. */
    double number(String name, double fallback, double min, double max) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double x = Double.parseDouble(value);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException("option '--" + name + "'='" + value + "' is not a number in [" + min + ", " + max
                + "]");
    }
}
