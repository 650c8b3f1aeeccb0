package dev.keyway.providers.azure;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyway.providers.upstream.Upstream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Entra ID's token endpoint, speaking its documented wire format. Azure
 * Identity refuses non-https authority hosts, so the issuer keeps the real https authority and a
 * pipeline policy reroutes each request here, remembering the host it was meant for.
 */
final class EntraStandIn implements AutoCloseable {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT = "0b5f4a2c-7d4e-4f3a-9c1b-6a8d2e3f4b5c";
    static final String SCOPE = "https://management.azure.com/.default";
    static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    /** Fast retries and a breaker that opens after a handful of calls, so tests run in milliseconds. */
    static final Upstream.Settings FAST = new Upstream.Settings(3, Duration.ofMillis(1), 50f, 4, Duration.ofMinutes(1));
    // Short enough to keep the suite quick, long enough for a loaded CI machine to answer in time.
    static final EntraHttp.Timeouts SHORT = new EntraHttp.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3));

    final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    EntraStandIn() {
        server.start();
    }

    /** Sends every request to {@code port} on loopback over http; the URL it was meant for travels in X-Original-Url. */
    static HttpPipelinePolicy reroute(int port, AtomicInteger attempts) {
        return new HttpPipelineSyncPolicy() {
            @Override
            protected void beforeSendingRequest(HttpPipelineCallContext context) {
                attempts.incrementAndGet();
                HttpRequest request = context.getHttpRequest();
                URL url = request.getUrl();
                try {
                    request.setUrl(new URL("http", "127.0.0.1", port, url.getFile()));
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
                request.setHeader(HttpHeaderName.fromString("X-Original-Url"), url.toString());
            }
        };
    }

    /** Every attempt the issuer made, including those that never reached the stand-in. */
    final AtomicInteger attempts = new AtomicInteger();

    AzureIssuer issuer() {
        return issuer(false);
    }

    AzureIssuer issuer(boolean instanceDiscovery) {
        return issuer(instanceDiscovery, server.port());
    }

    /** An issuer whose requests go to {@code port} (a closed one, to see connection failures). */
    AzureIssuer issuer(boolean instanceDiscovery, int port) {
        return new AzureIssuer(new EntraHttp(SHORT, List.of(reroute(port, attempts))), FAST, instanceDiscovery);
    }

    void stub(MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    static MappingBuilder tokenRequest() {
        return WireMock.post(WireMock.urlPathEqualTo(TOKEN_PATH));
    }

    static ResponseDefinitionBuilder token(String accessToken, long expiresIn) {
        return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"ext_expires_in\":" + expiresIn
                        + ",\"access_token\":\"" + accessToken + "\"}");
    }

    /** The AAD error JSON Entra ID answers refusals with: error, a multi-line description, error_codes, ids. */
    static ResponseDefinitionBuilder aadError(int status, String error, int code, String description) {
        String full = "AADSTS" + code + ": " + description + "\\r\\nTrace ID: 0d7c7c8e-2b3a-4a7e-9f16-5b2f8c1a3d00"
                + "\\r\\nCorrelation ID: 3f1f6a52-8e9b-4b7c-a4d2-0e6b1c9f7a11\\r\\nTimestamp: 2026-11-22 10:00:00Z";
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"error\":\"" + error + "\",\"error_description\":\"" + full + "\",\"error_codes\":[" + code + "],"
                        + "\"timestamp\":\"2026-11-22 10:00:00Z\",\"trace_id\":\"0d7c7c8e-2b3a-4a7e-9f16-5b2f8c1a3d00\","
                        + "\"correlation_id\":\"3f1f6a52-8e9b-4b7c-a4d2-0e6b1c9f7a11\","
                        + "\"error_uri\":\"https://login.microsoftonline.com/error?code=" + code + "\"}");
    }

    List<LoggedRequest> tokenRequests() {
        return server.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo(TOKEN_PATH)));
    }

    /** The form fields of a token request, decoded. */
    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop();
    }
}
