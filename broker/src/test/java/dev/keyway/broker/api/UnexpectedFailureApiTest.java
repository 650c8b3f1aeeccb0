package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CertificateAuthority;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import jakarta.inject.Singleton;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A bug inside an exchange (here: signing throws an unexpected exception whose message quotes the
 * token) is a 500 {@code internal_error} problem, audited as a denial, and neither the answer, the
 * audit event nor the log repeats the exception's message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnexpectedFailureApiTest {

    private static final String PROPERTY = "keyway.test.failing-signer";

    /** Replaces the broker's signing context only in brokers started with {@link #PROPERTY}. */
    @Singleton
    @Requires(property = PROPERTY, value = "true")
    @Replaces(BrokerContext.class)
    static final class FailingSigner implements BrokerContext {
        static volatile String quoted = "";

        @Override
        public Optional<CertificateAuthority> x509Authority() {
            return Optional.empty();
        }

        @Override
        public Optional<KeyPair> sshAuthority() {
            return Optional.empty();
        }

        @Override
        public String publicUrl() {
            return "https://keyway.test";
        }

        @Override
        public String signJwt(Map<String, Object> claims) {
            throw new IllegalStateException("cannot sign for token " + quoted);
        }
    }

    /** A route that fails the same way outside the exchange pipeline; present only with {@link #PROPERTY}. */
    @Controller("/test-only")
    @Requires(property = PROPERTY, value = "true")
    static final class FailingRoute {
        @Get("/fail")
        String fail() {
            throw new IllegalArgumentException("cannot parse " + FailingSigner.quoted);
        }
    }

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: token}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: jwt, audience: vault}
                """, Map.of(PROPERTY, "true"));
        log.start();
        ((Logger) LoggerFactory.getLogger(Unexpected.class)).addAppender(log);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(Unexpected.class)).detachAppender(log);
        broker.close();
    }

    @Test
    void aBugIsAnInternalErrorThatRepeatsNothing() throws Exception {
        String token = ci.token();
        FailingSigner.quoted = token;
        String secretPart = token.substring(token.lastIndexOf('.') + 1);
        log.list.clear();

        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("token", token));

        assertEquals(500, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = TestBroker.json(response);
        assertEquals("internal_error", problem.get("code").asText());
        assertEquals(500, problem.get("status").asInt());
        String requestId = problem.get("requestId").asText();
        assertFalse(requestId.isEmpty());
        assertFalse(response.body().contains("cannot sign"), response.body());
        assertFalse(response.body().contains(secretPart));

        JsonNode event = last(broker.auditEvents());
        assertEquals(requestId, event.get("requestId").asText());
        assertEquals("deny", event.get("decision").asText());
        assertEquals("internal_error", event.get("code").asText());
        assertEquals("unexpected java.lang.IllegalStateException", event.get("reason").asText());
        assertFalse(event.toString().contains(secretPart));

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.contains(requestId), line);
        assertTrue(line.contains("java.lang.IllegalStateException"), line);
        assertTrue(line.contains("at dev.keyway."), line);
        assertFalse(line.contains("cannot sign"), line);
        assertFalse(line.contains(secretPart));
        assertTrue(log.list.get(0).getThrowableProxy() == null, "no stack trace with messages is attached");
    }

    @Test
    void anyRouteThatFailsUnexpectedlyAnswersTheSameWay() throws Exception {
        String token = ci.token();
        FailingSigner.quoted = token;
        HttpResponse<String> response = broker.get("/test-only/fail");
        assertEquals(500, response.statusCode(), response.body());
        assertEquals("internal_error", TestBroker.json(response).get("code").asText());
        assertFalse(response.body().contains("cannot parse"), response.body());
        assertFalse(response.body().contains(token.substring(token.lastIndexOf('.') + 1)));
    }

    @Test
    void theFrameworksOwnAnswersAreUnchanged() throws Exception {
        assertEquals(404, broker.get("/no-such-route").statusCode());
        assertEquals(405, broker.get("/v1/exchange").statusCode());
        HttpResponse<String> notJson = broker.post("/v1/exchange", "{not json");
        assertEquals(400, notJson.statusCode());
        assertEquals("invalid_request", TestBroker.json(notJson).get("code").asText());
    }

    @Test
    void refusalsKeepTheirOwnCodes() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("token", "not-a-token"));
        assertEquals(401, response.statusCode());
        assertEquals("token_malformed", TestBroker.json(response).get("code").asText());
    }

    private static JsonNode last(List<JsonNode> events) {
        return events.get(events.size() - 1);
    }
}
