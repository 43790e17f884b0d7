package io.adaptivememory.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/** Scrapes the agent's Prometheus endpoint over HTTP, as a Prometheus server would. */
public final class Prometheus {

    /** One sample line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.get(key);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI uri;

    public Prometheus(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    public static Prometheus ofAgent() {
        return new Prometheus(Integer.parseInt(System.getProperty("agent.prometheus.port")));
    }

    public URI uri() {
        return uri;
    }

    public String scrapeText() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("scrape of " + uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("scrape of " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<Sample> scrape() {
        return parse(scrapeText());
    }

    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : body.split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
            } else {
                name = line.substring(0, space);
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return samples;
    }

    /**
     * The samples of the most recently opened pool (the highest {@code pool} tag) and those without
     * a pool. A real TaskManager has one pool; a test JVM that ran one embedded cluster after another
     * may still hold pools of earlier ones that were never closed (a test that makes the agent's
     * shutdown hook fail leaves them behind), and their slot indexes would collide with the new ones.
     */
    public static List<Sample> newestPool(List<Sample> samples) {
        int newest = -1;
        for (Sample s : samples) {
            String pool = s.label("pool");
            if (pool != null) {
                newest = Math.max(newest, Integer.parseInt(pool));
            }
        }
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            String pool = s.label("pool");
            if (pool == null || Integer.parseInt(pool) == newest) {
                out.add(s);
            }
        }
        return out;
    }

    public static OptionalDouble value(List<Sample> samples, String name, Predicate<Sample> filter) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && filter.test(s))
                .mapToDouble(Sample::value)
                .reduce(Double::sum);
    }

    public static double valueOrZero(List<Sample> samples, String name) {
        return value(samples, name, s -> true).orElse(0);
    }
}
