package dev.keyway.broker.issuer;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.keyway.broker.policy.Urls;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micronaut.core.util.SupplierUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The only way Keyway fetches anything from an issuer: https (http only to loopback), short
 * timeouts, a response size cap, and redirects followed only within the same origin. Used for
 * discovery documents and JWKS.
 */
public final class SafeFetcher implements ResourceRetriever {

    static final int MAX_REDIRECTS = 3;
    static final CircuitBreakerConfig BREAKER = CircuitBreakerConfig.custom()
            .failureRateThreshold(50)
            .minimumNumberOfCalls(4)
            .slidingWindowSize(10)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .build();

    /** Told about every fetch, for metrics: the host and whether it produced a document. */
    @FunctionalInterface
    public interface Observer {
        void fetched(String host, boolean succeeded);
    }

    /** Built on first fetch: a policy with only file-based keys never pays for the HTTP client's TLS set-up. */
    private final Supplier<HttpClient> client;
    private final Duration timeout;
    private final int maxBytes;
    private final Observer observer;

    public SafeFetcher(Duration timeout, int maxBytes) {
        this(timeout, maxBytes, (host, ok) -> { });
    }

    private final CircuitBreakerRegistry breakers;

    public SafeFetcher(Duration timeout, int maxBytes, Observer observer) {
        this(timeout, maxBytes, observer, CircuitBreakerRegistry.of(BREAKER));
    }

    /**
     * One circuit breaker per issuer host: after repeated failures, fetches fail at once for a
     * while (cached keys keep serving) instead of each costing a timeout.
     */
    public SafeFetcher(Duration timeout, int maxBytes, Observer observer, CircuitBreakerRegistry breakers) {
        this.breakers = breakers;
        this.observer = observer;
        this.client = SupplierUtil.memoized(() -> HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        boolean succeeded = false;
        CircuitBreaker breaker = breakers.circuitBreaker("issuer:" + url.getHost(), BREAKER);
        try {
            Resource resource = breaker.executeCheckedSupplier(() -> fetch(url));
            succeeded = true;
            return resource;
        } catch (CallNotPermittedException open) {
            throw new IOException("fetches from " + url.getHost() + " are paused after repeated failures", open);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable other) {
            throw new IOException(other.getMessage(), other);
        } finally {
            observer.fetched(url.getHost(), succeeded);
        }
    }

    private Resource fetch(URL url) throws IOException {
        URI uri = toUri(url);
        requireFetchable(uri);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            long deadline = System.nanoTime() + timeout.toNanos();
            HttpResponse<InputStream> response = send(uri);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("location").isPresent()) {
                response.body().close();
                URI next = uri.resolve(response.headers().firstValue("location").get());
                if (!sameOrigin(uri, next)) {
                    throw new IOException("refused redirect from " + origin(uri) + " to another origin, " + origin(next));
                }
                uri = next;
                continue;
            }
            try (InputStream body = response.body()) {
                if (status != 200) {
                    throw new IOException(uri + " answered HTTP " + status);
                }
                byte[] content = readBefore(deadline, body, uri);
                if (content.length > maxBytes) {
                    throw new IOException(uri + " sent more than " + maxBytes + " bytes");
                }
                return new Resource(new String(content, StandardCharsets.UTF_8),
                        response.headers().firstValue("content-type").orElse(null));
            }
        }
        throw new IOException(url + " redirected more than " + MAX_REDIRECTS + " times");
    }

    /**
     * The request timeout only covers the response headers; a server can then send its body one
     * byte at a time. Closing the stream at the deadline ends the read.
     */
    private byte[] readBefore(long deadline, InputStream body, URI uri) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            expired.set(true);
            try {
                body.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, CompletableFuture.delayedExecutor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        try {
            byte[] content = body.readNBytes(maxBytes + 1);
            if (expired.get()) {
                throw new HttpTimeoutException(uri + " did not send its body within " + timeout);
            }
            return content;
        } catch (IOException e) {
            if (expired.get()) {
                throw new HttpTimeoutException(uri + " did not send its body within " + timeout);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    private HttpResponse<InputStream> send(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        try {
            return client.get().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
    }

    /** https anywhere; http only to a loopback host (local development and tests). */
    static void requireFetchable(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new IOException("refused to fetch " + uri + ": no host");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && Urls.isLoopback(uri.getHost()))) {
            throw new IOException("refused to fetch " + uri + ": only https (http only for loopback hosts)");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    private static URI toUri(URL url) throws IOException {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("not a valid URL: " + url, e);
        }
    }
}
