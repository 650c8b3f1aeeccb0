package dev.keyway.providers.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google STS and IAM Credentials as WireMock stubs speaking their documented wire formats. The
 * provider keeps Google's https URLs; the transport it is given sends each request to the stand-in
 * over plain http on loopback, and remembers which URL the provider asked for.
 */
final class StandInGoogle implements AutoCloseable {

    static final String STS_PATH = "/v1/token";
    static final String IAM_PATH = "/v1/projects/-/serviceAccounts/.*:generateAccessToken";
    static final String FEDERATED_TOKEN = "ya29.d.federated-stand-in-token-0123456789";
    static final String IMPERSONATED_TOKEN = "ya29.c.impersonated-stand-in-token-0123456789";

    final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    final List<String> requestedUrls = Collections.synchronizedList(new ArrayList<>());

    StandInGoogle() {
        server.start();
    }

    /** Google's URLs, answered by the stand-in. */
    HttpTransportFactory transport() {
        return reroutingTo(server.port(), requestedUrls);
    }

    /** Google's URLs, sent to a loopback port nobody listens on. */
    static HttpTransportFactory unreachable(List<String> requestedUrls) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return reroutingTo(port, requestedUrls);
    }

    private static HttpTransportFactory reroutingTo(int port, List<String> requestedUrls) {
        NetHttpTransport transport = new NetHttpTransport.Builder().setConnectionFactory(url -> {
            requestedUrls.add(url.toString());
            URL local = new URL("http", "127.0.0.1", port, url.getFile());
            return (HttpURLConnection) local.openConnection(Proxy.NO_PROXY);
        }).build();
        return () -> transport;
    }

    // --- STS: POST /v1/token, form-encoded RFC 8693; OAuth-style JSON errors -------------------------------

    void stsIssues(long expiresIn) {
        sts(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"access_token": "%s",
                 "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                 "token_type": "Bearer",
                 "expires_in": %d}""".formatted(FEDERATED_TOKEN, expiresIn)));
    }

    void stsRefuses(String error, String description) {
        sts(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"" + error + "\", \"error_description\": \"" + description + "\"}"));
    }

    void sts(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(STS_PATH)).willReturn(response));
    }

    List<LoggedRequest> stsRequests() {
        return server.findAll(postRequestedFor(urlEqualTo(STS_PATH)));
    }

    // --- IAM Credentials: generateAccessToken, JSON in and out; google.rpc.Status errors -----------------

    void iamIssues(Instant expireTime) {
        iam(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8").withBody("""
                {
                  "accessToken": "%s",
                  "expireTime": "%s"
                }""".formatted(IMPERSONATED_TOKEN, expireTime)));
    }

    void iamDenies() {
        iam(iamError(403, "PERMISSION_DENIED",
                "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."));
    }

    static ResponseDefinitionBuilder iamError(int code, String status, String message) {
        return aResponse().withStatus(code).withHeader("Content-Type", "application/json; charset=UTF-8").withBody("""
                {
                  "error": {
                    "code": %d,
                    "message": "%s",
                    "status": "%s",
                    "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED",
                                 "domain": "iam.googleapis.com", "metadata": {"permission": "iam.serviceAccounts.getAccessToken"}}]
                  }
                }""".formatted(code, message, status));
    }

    void iam(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlPathMatching(IAM_PATH)).willReturn(response));
    }

    List<LoggedRequest> iamRequests() {
        return server.findAll(postRequestedFor(urlPathMatching(IAM_PATH)));
    }

    /** An application/x-www-form-urlencoded body as a map. */
    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
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
