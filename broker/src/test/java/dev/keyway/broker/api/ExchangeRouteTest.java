package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/exchange} served ahead of Micronaut's router (ExchangeRoute): it is installed on
 * this Micronaut, answers exactly as the controller behind the router does, and keeps what
 * Micronaut's connection handling guarantees (pipelined responses in order, 100-continue, chunked
 * bodies, the body limit, Connection: close). Raw sockets where a client library would hide it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeRouteTest {

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker routed;
    private TestBroker viaRouter;

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        routed = TestBroker.trusting(dir.resolve("a"), ci, "", TestBroker.DEPLOY_BINDING, Map.of("keyway.limits.max-body-bytes", 4096));
        viaRouter = TestBroker.trusting(dir.resolve("b"), ci, "", TestBroker.DEPLOY_BINDING,
                Map.of("keyway.limits.max-body-bytes", 4096, "keyway.http.exchange-route", "false"));
    }

    @AfterAll
    void stop() {
        routed.close();
        viaRouter.close();
    }

    @Test
    void theRouteIsInstalledOnThisMicronautAndTheRouterNoLongerSeesExchanges() throws Exception {
        assertTrue(ExchangeRouteInstaller.available(), "PipeliningServerHandler.requestHandler is gone: see ExchangeRouteInstaller");
        assertEquals(200, routed.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
        assertEquals(200, viaRouter.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
        // Micronaut's request metrics come from a router filter: only the broker without the route counts allowed exchanges there.
        assertFalse(countsAllowedExchanges(routed.get("/prometheus").body()));
        assertTrue(countsAllowedExchanges(viaRouter.get("/prometheus").body()));
    }

    private static boolean countsAllowedExchanges(String prometheus) {
        return prometheus.lines().anyMatch(line -> line.startsWith("http_server_requests_seconds_count")
                && line.contains("uri=\"/v1/exchange\"") && line.contains("status=\"200\""));
    }

    @Test
    void everyAnswerIsTheRoutersByteForByte() throws Exception {
        String valid = ci.token();
        List<String[]> requests = List.of(
                new String[] {"unknown binding", TestBroker.body("nope", ci.token()), null},
                new String[] {"not JSON", "{", null},
                new String[] {"not an object", "[]", null},
                new String[] {"missing token", "{\"binding\":\"deploy\"}", null},
                new String[] {"unknown field", "{\"binding\":\"deploy\",\"token\":\"" + valid + "\",\"x\":\"y\"}", null},
                new String[] {"malformed token", TestBroker.body("deploy", "a.b.c"), null},
                new String[] {"two tokens", TestBroker.body("deploy", valid), "Bearer " + ci.token()},
                new String[] {"too large", "{\"binding\":\"" + "x".repeat(5000) + "\"}", null},
                new String[] {"empty body", "", null});
        for (String[] request : requests) {
            Map<String, String> headers = new TreeMap<>(Map.of("X-Request-Id", "same-id"));
            if (request[2] != null) {
                headers.put("Authorization", request[2]);
            }
            HttpResponse<String> a = routed.post("/v1/exchange", request[1], headers);
            HttpResponse<String> b = viaRouter.post("/v1/exchange", request[1], headers);
            assertEquals(b.statusCode(), a.statusCode(), request[0]);
            assertEquals(b.body(), a.body(), request[0]);
            assertEquals(relevantHeaders(b), relevantHeaders(a), request[0]);
        }
        HttpResponse<String> a = routed.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "format", "env"),
                Map.of("X-Request-Id", "same-id"));
        HttpResponse<String> b = viaRouter.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "format", "env"),
                Map.of("X-Request-Id", "same-id"));
        assertEquals(200, a.statusCode(), a.body());
        assertEquals(relevantHeaders(b), relevantHeaders(a));
        assertEquals(b.body().replaceAll("=.*", "="), a.body().replaceAll("=.*", "="), "the same variables");
    }

    @Test
    void credentialsAreNeverCompressedOnEitherPath() throws Exception {
        Map<String, String> asksForCompression = Map.of("Accept-Encoding", "gzip, deflate, br, zstd, snappy");
        for (TestBroker broker : List.of(routed, viaRouter)) {
            // A long workflow path travels in the minted token's identity claim: an answer well over Micronaut's 1 KiB threshold.
            String token = ci.token(Map.of("workflow_ref", "acme/api/.github/workflows/" + "w".repeat(400) + ".yml@refs/heads/main"));
            HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("deploy", token), asksForCompression);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(java.util.Optional.empty(), response.headers().firstValue("content-encoding"));
            assertTrue(response.body().startsWith("{\"binding\":\"deploy\""), "plain JSON");
            assertTrue(response.body().length() > 1024, "the credential answer is " + response.body().length() + " bytes");
        }
    }

    private static Map<String, String> relevantHeaders(HttpResponse<String> response) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : List.of("content-type", "cache-control", "retry-after", "x-request-id", "content-length")) {
            response.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
        }
        assertTrue(response.headers().firstValue("date").isPresent());
        return headers;
    }

    @Test
    void pipelinedRequestsToTheRouteAndTheRouterAreAnsweredInOrder() throws Exception {
        String token = ci.token();
        String pipelined = post("{\"binding\":\"deploy\"}", "") + get("/health/liveness")
                + post(TestBroker.body("deploy", token), "") + get("/.well-known/jwks.json") + post("[]", "");
        try (Socket socket = connect()) {
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(readResponse(in));
            }
            assertTrue(answers.get(0).startsWith("HTTP/1.1 400") && answers.get(0).contains("missing token"), answers.get(0));
            assertTrue(answers.get(1).startsWith("HTTP/1.1 200") && answers.get(1).contains("UP"), answers.get(1));
            assertTrue(answers.get(2).startsWith("HTTP/1.1 200") && answers.get(2).contains("\"credentials\""), answers.get(2));
            assertTrue(answers.get(3).startsWith("HTTP/1.1 200") && answers.get(3).contains("\"keys\""), answers.get(3));
            assertTrue(answers.get(4).startsWith("HTTP/1.1 400") && answers.get(4).contains("JSON object"), answers.get(4));
        }
    }

    @Test
    void aClientExpecting100ContinueGetsItThenItsAnswer() throws Exception {
        String body = TestBroker.body("deploy", ci.token());
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/exchange HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String interim = readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
            out.write(body.getBytes(StandardCharsets.UTF_8));
            String answer = readResponse(in);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("\"credentials\""), answer);
        }
    }

    @Test
    void aChunkedBodyIsReadWhole() throws Exception {
        String body = TestBroker.body("deploy", ci.token());
        int half = body.length() / 2;
        String chunked = "POST /v1/exchange HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
        try (Socket socket = connect()) {
            socket.getOutputStream().write(chunked.getBytes(StandardCharsets.UTF_8));
            String answer = readResponse(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("\"credentials\""), answer);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413AndTheCallersRequestId() throws Exception {
        String body = "{\"binding\":\"" + "x".repeat(4096) + "\"}";
        HttpResponse<String> response = routed.post("/v1/exchange", body, Map.of("X-Request-Id", "big-one"));
        assertEquals(413, response.statusCode());
        JsonNode problem = TestBroker.json(response);
        assertEquals("payload_too_large", problem.get("code").asText());
        assertEquals("big-one", problem.get("requestId").asText());
        assertEquals("big-one", response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(post("[]", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String answer = readResponse(in);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
            assertEquals(-1, in.read(), "the broker closed the connection");
        }
    }

    @Test
    void otherMethodsAndPathsStayWithTheRouter() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("GET /v1/exchange HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /v1/exchange/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String get = readResponse(in);
            assertTrue(get.startsWith("HTTP/1.1 405"), get);
            String slash = readResponse(in);
            assertFalse(slash.startsWith("HTTP/1.1 200"), slash);
        }
    }

    @Test
    void aClientLeavingMidBodyIsNoBrokerFailureOnEitherPath() throws Exception {
        Logger unexpected = (Logger) LoggerFactory.getLogger(Unexpected.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Level level = unexpected.getLevel();
        unexpected.setLevel(Level.DEBUG);
        unexpected.addAppender(log);
        try {
            for (TestBroker broker : List.of(routed, viaRouter)) {
                log.list.clear();
                try (Socket socket = new Socket("127.0.0.1", broker.server.getPort())) {
                    socket.getOutputStream().write(("POST /v1/exchange HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"binding\":")
                            .getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                }
                for (int i = 0; i < 200 && log.list.stream().noneMatch(e -> e.getLevel() == Level.DEBUG); i++) {
                    Thread.sleep(50); // the broker notices the close on its own event loop
                }
                assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("closed the connection before its body ended")),
                        "the broker saw the client leave");
                assertTrue(log.list.stream().noneMatch(e -> e.getLevel() == Level.ERROR), "and logged no failure of its own");
            }
        } finally {
            unexpected.detachAppender(log);
            unexpected.setLevel(level);
        }
    }

    @Test
    void behindTlsTheRouteServesExchangesToo() throws Exception {
        Files.createDirectories(dir.resolve("tls"));
        try (TestBroker tls = TestBroker.trusting(dir.resolve("tls"), ci, "", TestBroker.DEPLOY_BINDING,
                Map.of("micronaut.server.ssl.enabled", true, "micronaut.server.ssl.build-self-signed", true, "micronaut.server.ssl.port", -1))) {
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            // An extended trust manager does its own endpoint check, here none: the broker's self-signed certificate names no host.
            trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(trustAll)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            String base = tls.server.getURL().toString();
            assertTrue(base.startsWith("https://"), base);
            HttpResponse<String> exchange = https.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/exchange"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestBroker.body("deploy", ci.token()))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, exchange.statusCode(), exchange.body());
            String metrics = https.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("keyway_decisions_total"), "the exchange was decided");
            assertFalse(countsAllowedExchanges(metrics), "and answered by the route, not the router");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", routed.server.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String post(String body, String extraHeaders) {
        return "POST /v1/exchange HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /** Status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    /** One whole response (Content-Length bodies only, as the broker sends them). */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
