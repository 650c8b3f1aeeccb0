package dev.keyway.providers.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyway.spi.IssueException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UpstreamTest {

    private static final Upstream.Settings FAST = new Upstream.Settings(3, Duration.ofMillis(1), 50f, 4, Duration.ofMinutes(1));

    static final class Refused extends Exception {
        Refused() {
            super("AccessDenied");
        }
    }

    private static IssueException translate(Exception e) {
        return new IssueException(e instanceof Refused ? "upstream_denied" : "upstream_error", e.getMessage());
    }

    @Test
    void retryableFailuresAreRetriedAndASuccessIsReturned() throws IssueException {
        Upstream upstream = new Upstream("test", FAST);
        AtomicInteger attempts = new AtomicInteger();
        String result = upstream.call("sts", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return "ok";
        }, IOException.class::isInstance, IOException.class::isInstance, UpstreamTest::translate);
        assertEquals("ok", result);
        assertEquals(3, attempts.get());
    }

    @Test
    void refusalsAreNeverRetriedAndKeepTheirCode() {
        Upstream upstream = new Upstream("test", FAST);
        AtomicInteger attempts = new AtomicInteger();
        IssueException e = assertThrows(IssueException.class, () -> upstream.call("sts", () -> {
            attempts.incrementAndGet();
            throw new Refused();
        }, IOException.class::isInstance, IOException.class::isInstance, UpstreamTest::translate));
        assertEquals("upstream_denied", e.code());
        assertEquals(1, attempts.get());
    }

    @Test
    void repeatedFailuresOpenTheBreakerAndFailFastAsUnavailable() {
        Upstream upstream = new Upstream("test", FAST);
        AtomicInteger attempts = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThrows(IssueException.class, () -> upstream.call("sts", () -> {
                attempts.incrementAndGet();
                throw new IOException("timeout");
            }, t -> false, IOException.class::isInstance, UpstreamTest::translate));
        }
        assertEquals("upstream_error", assertThrows(IssueException.class, () -> upstream.call("sts", () -> {
            attempts.incrementAndGet();
            throw new IOException("timeout");
        }, t -> false, IOException.class::isInstance, UpstreamTest::translate)).code());
        assertEquals("OPEN", upstream.state("sts"));
        int before = attempts.get();
        IssueException open = assertThrows(IssueException.class, () -> upstream.call("sts", () -> "never",
                t -> false, IOException.class::isInstance, UpstreamTest::translate));
        assertEquals("unavailable", open.code());
        assertEquals(before, attempts.get(), "an open breaker does not call the cloud");
        assertEquals("CLOSED", upstream.state("other-endpoint"), "one breaker per endpoint");
    }

    @Test
    void refusalsDoNotTripTheBreaker() {
        Upstream upstream = new Upstream("test", FAST);
        for (int i = 0; i < 10; i++) {
            assertThrows(IssueException.class, () -> upstream.call("sts", () -> {
                throw new Refused();
            }, t -> false, IOException.class::isInstance, UpstreamTest::translate));
        }
        assertEquals("CLOSED", upstream.state("sts"));
    }
}
