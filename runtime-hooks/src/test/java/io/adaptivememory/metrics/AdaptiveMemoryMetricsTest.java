package io.adaptivememory.metrics;

import io.adaptivememory.config.PolicyKind;
import io.adaptivememory.config.Settings;
import io.adaptivememory.flink.SpillAccounting;
import io.adaptivememory.policy.AllocationPolicy;
import io.adaptivememory.pool.SlotAccount;
import io.adaptivememory.pool.TaskManagerPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters through real exporters: an HTTP scrape of the Prometheus endpoint and the JMX server. */
class AdaptiveMemoryMetricsTest {

    private static final long MIB = 1L << 20;
    private static final long SLOT_BYTES = 64 * MIB;

    private final HttpClient http = HttpClient.newHttpClient();
    private AdaptiveMemoryMetrics metrics;
    private TaskManagerPool pool;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.setProperty(Settings.PROMETHEUS_PORT, "0");
        p.setProperty(Settings.JMX_ENABLED, "true");
        metrics = AdaptiveMemoryMetrics.start(Settings.from(p), new SpillAccounting());
        pool = new TaskManagerPool(7, 4 * SLOT_BYTES, 4, SLOT_BYTES, 0.25, 0.0, 0, AllocationPolicy.of(PolicyKind.ADAPTIVE));
        metrics.bindPool(pool);
    }

    @AfterEach
    void stop() {
        metrics.close();
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.prometheusPort() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrape_slotBorrowing_showsPoolAndSlotMetersInBaseUnits() throws Exception {
        SlotAccount hot = pool.register("job", "a", SLOT_BYTES);
        metrics.bindSlot(pool, hot);
        assertTrue(pool.reserve(hot, 100 * MIB));

        String body = request("GET", "/metrics").body();

        assertTrue(body.contains("adaptive_memory_pool_total_bytes{policy=\"adaptive\",pool=\"7\"} 2.68435456E8"), body);
        assertTrue(body.contains("adaptive_memory_slot_reserved_bytes{policy=\"adaptive\",pool=\"7\",slot=\"0\"} 1.048576E8"), body);
        assertTrue(body.contains("adaptive_memory_slot_borrowed_bytes{policy=\"adaptive\",pool=\"7\",slot=\"0\"} 3.7748736E7"), body);
        assertTrue(body.contains("adaptive_memory_loans_total{policy=\"adaptive\",pool=\"7\"} 1.0"), body);
        assertTrue(body.contains("adaptive_memory_failopen_total"), body);
        assertTrue(body.contains("adaptive_memory_spilled_bytes_total"), body);
    }

    @Test
    void unbindSlot_slotFreed_itsMetersDisappear() throws Exception {
        SlotAccount slot = pool.register("job", "a", SLOT_BYTES);
        metrics.bindSlot(pool, slot);
        pool.unregister(slot);
        metrics.unbindSlot(pool, slot);

        String body = request("GET", "/metrics").body();

        assertFalse(body.contains("slot=\"0\""), body);
        assertTrue(body.contains("adaptive_memory_pool_total_bytes"), body);
    }

    @Test
    void endpoint_otherPathsAndMethods_refused() throws Exception {
        assertEquals(404, request("GET", "/").statusCode());
        assertEquals(404, request("GET", "/metrics/../admin").statusCode());
        assertEquals(405, request("POST", "/metrics").statusCode());
        assertEquals(405, request("PUT", "/metrics").statusCode());
        assertEquals(200, request("HEAD", "/metrics").statusCode());
    }

    @Test
    void jmx_enabled_poolGaugeIsAnMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("metrics:name=adaptiveMemoryPoolTotal.policy.adaptive.pool.7,type=gauges");

        assertTrue(server.isRegistered(name), "registered: " + server.queryNames(new ObjectName("metrics:*"), null));
        assertEquals(4.0 * SLOT_BYTES, ((Number) server.getAttribute(name, "Value")).doubleValue());
    }

    @Test
    void close_endpointStopsListening() throws Exception {
        int port = metrics.prometheusPort();
        metrics.close();
        metrics = AdaptiveMemoryMetrics.start(Settings.from(new Properties()), new SpillAccounting());

        assertEquals(-1, metrics.prometheusPort());
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
            throw new AssertionError("port " + port + " still accepts connections");
        } catch (java.net.ConnectException expected) {
            // closed
        }
    }
}
