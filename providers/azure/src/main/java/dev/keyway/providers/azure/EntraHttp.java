package dev.keyway.providers.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How Keyway talks HTTP to Entra ID: one JDK {@link java.net.http.HttpClient} (one connection pool)
 * shared by every exchange, short timeouts, and deliberately none of azure-core's default
 * policies: no RetryPolicy (retries belong to {@link dev.keyway.providers.upstream.Upstream}) and no
 * HttpLoggingPolicy (the request body carries the client assertion, the response the access token).
 * Every token-endpoint answer is read by {@link EntraAnswer.Check} before MSAL sees it.
 * Proxies come from the usual HTTPS_PROXY / NO_PROXY environment, as azure-core reads it.
 *
 * <p>azure-core's JDK client logs a WARN per request about the Content-Length header MSAL sets (the
 * JDK computes it itself); removing the header would make the client send the form chunked, so the
 * header stays and the broker's logging configuration quiets {@code com.azure.core.http.jdk}.
 */
final class EntraHttp {

    /** A token call normally takes well under a second; a hanging Entra ID must fail the exchange within seconds. */
    record Timeouts(Duration connect, Duration response) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    /** The header MSAL sends with every call; Entra ID echoes it and records it as the sign-in's correlation ID. */
    static final String CORRELATION_HEADER = "client-request-id";
    private static final HttpHeaderName CORRELATION = HttpHeaderName.fromString(CORRELATION_HEADER);

    private final Timeouts timeouts;
    private final List<HttpPipelinePolicy> extra;
    /** Built on first use: {@code policy check} and {@code policy test} load this provider but never call out. */
    private HttpClient client;

    /** {@code extra}: policies every call passes through last (tests reroute requests to a stand-in here). */
    EntraHttp(Timeouts timeouts, List<HttpPipelinePolicy> extra) {
        this.timeouts = timeouts;
        this.extra = List.copyOf(extra);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = new JdkHttpClientBuilder()
                    .connectionTimeout(timeouts.connect())
                    .responseTimeout(timeouts.response())
                    .readTimeout(timeouts.response())
                    .build();
        }
        return client;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    /**
     * A pipeline for one exchange over the shared client. It records the correlation id MSAL sent
     * with the token request into {@code correlation}, so audit can name the sign-in.
     */
    HttpPipeline pipeline(AtomicReference<String> correlation) {
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        policies.add(new HttpPipelineSyncPolicy() {
            @Override
            protected void beforeSendingRequest(HttpPipelineCallContext context) {
                HttpRequest request = context.getHttpRequest();
                if (request.getUrl().getPath().endsWith("/oauth2/v2.0/token")) {
                    Optional.ofNullable(request.getHeaders().getValue(CORRELATION)).ifPresent(correlation::set);
                }
            }
        });
        policies.addAll(extra);
        policies.add(new EntraAnswer.Check());
        return new HttpPipelineBuilder().httpClient(client()).policies(policies.toArray(HttpPipelinePolicy[]::new)).build();
    }
}
