package io.adaptivememory.bench.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads Flink's REST API (the one its web UI uses) as JSON. */
public final class FlinkRest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;

    public FlinkRest(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    /** GET {@code path}; fails on any status but 200. */
    public JsonNode get(String path) throws IOException {
        URI uri = base.resolve(path);
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: GET " + uri, e);
        }
    }

    /** The TaskManagers registered with the JobManager: resource id -> number of slots. */
    public Map<String, Integer> taskManagerSlots() throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            out.put(tm.path("id").asText(), tm.path("slotsNumber").asInt());
        }
        return out;
    }

    /**
     * The TaskManager's metrics whose names start with {@code prefix}, as Flink's web UI lists
     * them (from the TaskManager's metric group, through the JobManager's metric fetcher).
     */
    public Map<String, String> taskManagerMetrics(String resourceId, String prefix) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder names = new StringBuilder();
        for (JsonNode m : get("/taskmanagers/" + resourceId + "/metrics")) {
            String id = m.path("id").asText();
            if (id.startsWith(prefix)) {
                names.append(names.length() == 0 ? "" : ",").append(id);
            }
        }
        if (names.length() > 0) {
            for (JsonNode m : get("/taskmanagers/" + resourceId + "/metrics?get=" + names)) {
                out.put(m.path("id").asText(), m.path("value").asText());
            }
        }
        return out;
    }
}
