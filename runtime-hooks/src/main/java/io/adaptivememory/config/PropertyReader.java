package io.adaptivememory.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, validating reads of string properties. Each read records the value in effect, and each
 * rejected value becomes a problem sentence of the form {@code property='value' is invalid:
 * expected ...; using ...}.
 */
final class PropertyReader {

    private static final Pattern BYTES =
            Pattern.compile("(\\d+)\\s*(b|bytes|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");
    private static final Pattern DURATION =
            Pattern.compile("(\\d+)\\s*(ms|milli|millis|s|sec|secs|min|m|h)?");

    private final Properties source;
    private final String prefix;
    private final Map<String, String> effective = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    PropertyReader(Properties source, String prefix) {
        this.source = source;
        this.prefix = prefix;
    }

    boolean bool(String key, boolean fallback) {
        String raw = raw(key);
        boolean value = fallback;
        if (raw != null) {
            String v = raw.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) {
                value = Boolean.parseBoolean(v);
            } else {
                reject(key, raw, "true or false", String.valueOf(fallback));
            }
        }
        effective.put(key, String.valueOf(value));
        return value;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        String raw = raw(key);
        E value = fallback;
        if (raw != null) {
            value = null;
            for (E candidate : type.getEnumConstants()) {
                if (candidate.name().equalsIgnoreCase(raw.trim())) {
                    value = candidate;
                }
            }
            if (value == null) {
                List<String> allowed = new ArrayList<>();
                for (E candidate : type.getEnumConstants()) {
                    allowed.add(candidate.name().toLowerCase(Locale.ROOT));
                }
                reject(key, raw, "one of " + String.join(", ", allowed), fallback.name().toLowerCase(Locale.ROOT));
                value = fallback;
            }
        }
        effective.put(key, value.name().toLowerCase(Locale.ROOT));
        return value;
    }

    double fraction(String key, double fallback, double min, double max) {
        String raw = raw(key);
        double value = fallback;
        if (raw != null) {
            String allowed = "a decimal number from " + min + " to " + max;
            try {
                double parsed = Double.parseDouble(raw.trim());
                if (Double.isNaN(parsed) || parsed < min || parsed > max) {
                    reject(key, raw, allowed, String.valueOf(fallback));
                } else {
                    value = parsed;
                }
            } catch (NumberFormatException e) {
                reject(key, raw, allowed, String.valueOf(fallback));
            }
        }
        effective.put(key, String.valueOf(value));
        return value;
    }

    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        String raw = raw(key);
        Duration value = fallback;
        if (raw != null) {
            String allowed =
                    "a duration such as 250ms, 2s or 1min from " + format(min) + " to " + format(max);
            Duration parsed = parseDuration(raw.trim().toLowerCase(Locale.ROOT));
            if (parsed == null || parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                reject(key, raw, allowed, format(fallback));
            } else {
                value = parsed;
            }
        }
        effective.put(key, format(value));
        return value;
    }

    long bytes(String key, long fallback, long min, long max) {
        String raw = raw(key);
        long value = fallback;
        if (raw != null) {
            String allowed = "a size such as 64mb, 512kb or 1gb from " + formatBytes(min) + " to " + formatBytes(max);
            long parsed = parseBytes(raw.trim().toLowerCase(Locale.ROOT));
            if (parsed < min || parsed > max) {
                reject(key, raw, allowed, formatBytes(fallback));
            } else {
                value = parsed;
            }
        }
        effective.put(key, formatBytes(value));
        return value;
    }

    /**
     * A file system path, or null when unset. {@code directory} says what it must be where it
     * already exists (a directory, else a regular file); a path that exists as the other kind, or
     * is empty, is rejected.
     */
    Path path(String key, boolean directory) {
        String raw = raw(key);
        Path value = null;
        if (raw != null) {
            String allowed = directory ? "a directory path (created if missing)" : "the path of an existing file";
            try {
                Path p = raw.trim().isEmpty() ? null : Paths.get(raw.trim());
                boolean fits = p != null && (directory
                        ? !Files.exists(p) || Files.isDirectory(p)
                        : Files.isRegularFile(p));
                if (fits) {
                    value = p;
                } else {
                    reject(key, raw, allowed, "none");
                }
            } catch (InvalidPathException e) {
                reject(key, raw, allowed, "none");
            }
        }
        effective.put(key, value == null ? "none" : value.toString());
        return value;
    }

    int integer(String key, int fallback, int min, int max) {
        String raw = raw(key);
        int value = fallback;
        if (raw != null) {
            String allowed = "a whole number from " + min + " to " + max;
            try {
                int parsed = Integer.parseInt(raw.trim());
                if (parsed < min || parsed > max) {
                    reject(key, raw, allowed, String.valueOf(fallback));
                } else {
                    value = parsed;
                }
            } catch (NumberFormatException e) {
                reject(key, raw, allowed, String.valueOf(fallback));
            }
        }
        effective.put(key, String.valueOf(value));
        return value;
    }

    int port(String key) {
        String raw = raw(key);
        int value = -1;
        if (raw != null) {
            try {
                int parsed = Integer.parseInt(raw.trim());
                if (parsed < 0 || parsed > 65535) {
                    reject(key, raw, "a TCP port from 0 to 65535", "no endpoint");
                } else {
                    value = parsed;
                }
            } catch (NumberFormatException e) {
                reject(key, raw, "a TCP port from 0 to 65535", "no endpoint");
            }
        }
        effective.put(key, value < 0 ? "off" : String.valueOf(value));
        return value;
    }

    String host(String key, String fallback) {
        String raw = raw(key);
        String value = fallback;
        if (raw != null) {
            String v = raw.trim();
            if (v.isEmpty() || !v.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
                reject(key, raw, "a host name or IP address", fallback);
            } else {
                value = v;
            }
        }
        effective.put(key, value);
        return value;
    }

    String text(String key, String fallback) {
        String raw = raw(key);
        return raw == null ? fallback : raw.trim();
    }

    void reportUnknown(Set<String> known) {
        Set<String> unknown = new TreeSet<>();
        for (String name : source.stringPropertyNames()) {
            if (name.startsWith(prefix) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        for (String name : unknown) {
            problems.add(
                    name
                            + "='"
                            + source.getProperty(name)
                            + "' is not a known property and has no effect; known properties are "
                            + String.join(", ", Settings.knownProperties()));
        }
    }

    Map<String, String> effective() {
        return effective;
    }

    List<String> problems() {
        return problems;
    }

    private String raw(String key) {
        return source.getProperty(key);
    }

    private void reject(String key, String raw, String allowed, String using) {
        problems.add(key + "='" + raw + "' is invalid: expected " + allowed + "; using " + using);
    }

    /** Bytes for sizes such as {@code 64mb} or {@code 1048576}; -1 when the text is not one. */
    static long parseBytes(String text) {
        Matcher m = BYTES.matcher(text);
        if (!m.matches() || m.group(1).length() > 18) {
            return -1;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        return amount > (Long.MAX_VALUE >> shift) ? -1 : amount << shift;
    }

    static String formatBytes(long bytes) {
        String[] units = {"b", "kb", "mb", "gb", "tb"};
        int unit = 0;
        while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + units[unit];
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        try {
            switch (unit) {
                case "ms":
                case "milli":
                case "millis":
                    return Duration.ofMillis(amount);
                case "s":
                case "sec":
                case "secs":
                    return Duration.ofSeconds(amount);
                case "m":
                case "min":
                    return Duration.ofMinutes(amount);
                default:
                    return Duration.ofHours(amount);
            }
        } catch (ArithmeticException e) {
            return null;
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return (ms / 60_000) + "min";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }
}
