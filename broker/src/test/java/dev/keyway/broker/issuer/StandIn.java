package dev.keyway.broker.issuer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written stand-in for an issuer's web server on loopback (the JDK's HttpServer): routes
 * set by the test, answers changeable while it runs, and a count of every request it received.
 */
final class StandIn implements AutoCloseable {

    @FunctionalInterface
    interface Route {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    private StandIn(HttpServer server) {
        this.server = server;
    }

    static StandIn start() {
        try {
            StandIn standIn = new StandIn(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            standIn.server.createContext("/", standIn::handle);
            standIn.server.setExecutor(standIn.threads);
            standIn.server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>} — no trailing slash, the form an issuer URL takes. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String path) {
        return origin() + path;
    }

    StandIn route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    StandIn json(String path, String body) {
        return route(path, exchange -> send(exchange, 200, body));
    }

    StandIn redirect(String path, String location) {
        return route(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    /** Headers at once, then the body one byte at a time, {@code pause} apart: a slow or hostile server. */
    StandIn drip(String path, String body, Duration pause) {
        return route(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte b : body.getBytes(StandardCharsets.UTF_8)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(pause.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    int requests() {
        return total.get();
    }

    /** Stops answering: connections are refused from now on (an issuer that is down). */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        total.incrementAndGet();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Route route = routes.get(path);
        if (route == null) {
            send(exchange, 404, "{\"error\":\"not found\"}");
        } else {
            route.answer(exchange);
        }
    }
}
