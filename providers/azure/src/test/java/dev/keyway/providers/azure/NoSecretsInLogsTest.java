package dev.keyway.providers.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.keyway.spi.IssueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Azure Identity and MSAL log through SLF4J. Even at TRACE, nothing they (or Keyway) log may hold
 * the access token or the client assertion, whole or in part: not on success, not on a refusal,
 * not when the answer is malformed (MSAL quotes what it fails to parse, hence EntraAnswer.Check).
 */
class NoSecretsInLogsTest {

    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJ1dGkiOiJsb2ctdGVzdCJ9.QUNDRVNTLVRPS0VOLVNJR05BVFVSRQ";
    private static final List<String> LOUD = List.of("com.azure", "com.microsoft.aad", "dev.keyway");

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<Level> before = new ArrayList<>();
    private EntraStandIn entra;
    private SigningBroker broker;

    @BeforeEach
    void start() {
        captured.start();
        for (String name : LOUD) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            before.add(logger.getLevel());
            logger.setLevel(Level.TRACE);
            logger.addAppender(captured);
            logger.setAdditive(false); // captured only, not printed
        }
        entra = new EntraStandIn();
        broker = new SigningBroker();
    }

    @AfterEach
    void stop() {
        entra.close();
        for (int i = 0; i < LOUD.size(); i++) {
            Logger logger = (Logger) LoggerFactory.getLogger(LOUD.get(i));
            logger.detachAppender(captured);
            logger.setAdditive(true);
            logger.setLevel(before.get(i));
        }
    }

    @Test
    void aSuccessfulExchangeLogsNeitherTheTokenNorTheAssertion() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        assertEquals(ACCESS_TOKEN, entra.issuer().issue(Grants.request(Grants.grant(), Grants.CALLER, broker)).credentials().get("accessToken"));
        assertNothingSecretLogged(List.of(ACCESS_TOKEN));
    }

    @Test
    void refusalsAndOutagesLogNeitherTheAssertionNorWhatTheAnswerHeld() {
        String leaked = "eyJ0eXAiOiJKV1QifQ.LEAKED-IN-A-BROKEN-ANSWER";
        List<Map.Entry<String, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder>> answers = List.of(
                Map.entry("upstream_denied", EntraStandIn.aadError(401, "invalid_client", 70021, "No matching federated identity record found.")),
                Map.entry("upstream_error", aResponse().withStatus(200).withBody("{\"access_token\":\"" + leaked)),
                Map.entry("upstream_error", aResponse().withStatus(500).withBody("<html>" + leaked + "</html>")),
                Map.entry("unavailable", EntraStandIn.aadError(429, "temporarily_unavailable", 90055, "Throttled.")));
        for (var answer : answers) {
            entra.server.resetAll();
            entra.stub(EntraStandIn.tokenRequest().willReturn(answer.getValue()));
            IssueException e = assertThrows(IssueException.class,
                    () -> entra.issuer().issue(Grants.request(Grants.grant(), Grants.CALLER, broker)));
            assertEquals(answer.getKey(), e.code());
        }
        assertNothingSecretLogged(List.of(leaked, "LEAKED-IN-A-BROKEN-ANSWER"));
    }

    private void assertNothingSecretLogged(List<String> secrets) {
        List<String> all = new ArrayList<>(secrets);
        for (String assertion : broker.signed) {
            all.add(assertion);
            all.add(assertion.substring(assertion.lastIndexOf('.') + 1)); // its signature alone is enough to matter
        }
        assertTrue(captured.list.size() > 5, "the SDKs did log at TRACE; otherwise this test proves nothing: " + captured.list.size());
        assertFalse(broker.signed.isEmpty());
        for (ILoggingEvent event : captured.list) {
            String text = render(event);
            for (String secret : all) {
                assertFalse(text.contains(secret), "a " + event.getLevel() + " event of " + event.getLoggerName()
                        + " holds a secret (not printed here)");
            }
        }
    }

    private static String render(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> out.append(' ').append(kv.key).append('=').append(kv.value));
        }
        event.getMDCPropertyMap().forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            for (IThrowableProxy suppressed : t.getSuppressed()) {
                out.append(' ').append(suppressed.getMessage());
            }
        }
        return out.toString();
    }
}
