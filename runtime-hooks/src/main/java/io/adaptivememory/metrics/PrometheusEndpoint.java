package io.adaptivememory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A read-only HTTP endpoint that serves the Prometheus text format at {@code /metrics} and
 * nothing else: other paths answer 404, other methods 405. One daemon thread serves it.
 */
final class PrometheusEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static PrometheusEndpoint start(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 8);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "adaptive-memory-prometheus");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(exchange, registry));
        startAsDaemon(server);
        return new PrometheusEndpoint(server, executor);
    }

    /**
     * The JDK server's dispatcher thread inherits the daemon flag of the thread that starts it;
     * started from a daemon thread it can never keep the TaskManager's JVM from exiting.
     */
    private static void startAsDaemon(HttpServer server) throws IOException {
        Thread starter = new Thread(server::start, "adaptive-memory-prometheus-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the Prometheus endpoint", e);
        }
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                respond(exchange, 404, "text/plain; charset=utf-8", "Not found: only /metrics is served\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "Method not allowed\n", method);
            } else {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape(), method);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body, String method)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
