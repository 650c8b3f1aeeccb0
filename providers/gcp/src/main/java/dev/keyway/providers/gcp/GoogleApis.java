package dev.keyway.providers.gcp;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.JsonObjectParser;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.GenericData;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.StsRequestHandler;
import com.google.auth.oauth2.StsTokenExchangeRequest;
import com.google.auth.oauth2.StsTokenExchangeResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two Google calls, on the Google Auth Library's HTTP stack and the transport it is given:
 * STS token exchange through the library's own {@link StsRequestHandler}, and IAM Credentials
 * generateAccessToken. Every request gets short timeouts, no redirects and no hidden retries (the
 * provider's {@code Upstream} decides on those), and every answer is classified as a
 * {@link GoogleFailure} before the library turns an error status into an exception that has lost it.
 */
final class GoogleApis {

    static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final JsonFactory JSON = GsonFactory.getDefaultInstance();
    private static final int MAX_ERROR_BODY = 16 * 1024;

    record Timeouts(Duration connect, Duration read) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** An access token Google issued. Never printed: the record's own toString would show it. */
    record Token(String accessToken, String tokenType, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[tokenType=" + tokenType + ", expiresAt=" + expiresAt + "]";
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run(HttpRequestFactory requests) throws IOException;
    }

    private final HttpTransportFactory transports;
    private final Timeouts timeouts;

    GoogleApis(HttpTransportFactory transports, Timeouts timeouts) {
        this.transports = transports;
        this.timeouts = timeouts;
    }

    /** RFC 8693 exchange of {@code subjectToken} at {@code <sts-endpoint>/v1/token}. */
    Token exchange(GcpGrant grant, String subjectToken, List<String> scopes, Instant now) throws GoogleFailure {
        StsTokenExchangeRequest request = StsTokenExchangeRequest.newBuilder(subjectToken, JWT_TOKEN_TYPE)
                .setAudience(grant.provider())
                .setScopes(scopes)
                .setRequestTokenType(ACCESS_TOKEN_TYPE)
                .build();
        StsTokenExchangeResponse response = call(requests ->
                StsRequestHandler.newBuilder(grant.tokenUrl(), request, requests).build().exchangeToken());
        Long expiresIn = response.getExpiresInSeconds();
        if (expiresIn == null || expiresIn <= 0) {
            throw new GoogleFailure.Malformed("the token response has no positive expires_in", null);
        }
        return new Token(response.getAccessToken().getTokenValue(), response.getTokenType(), now.plusSeconds(expiresIn));
    }

    /** {@code POST <iam-endpoint>/v1/projects/-/serviceAccounts/{email}:generateAccessToken} as the federated principal. */
    Token generateAccessToken(GcpGrant grant, String email, String federatedToken, Duration lifetime) throws GoogleFailure {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", grant.scopes());
        body.put("lifetime", Math.max(1, lifetime.toSeconds()) + "s");
        GenericData data = call(requests -> {
            HttpRequest request = requests.buildPostRequest(new GenericUrl(grant.generateAccessTokenUrl(email)),
                    new JsonHttpContent(JSON, body));
            request.getHeaders().setAuthorization("Bearer " + federatedToken);
            request.setParser(new JsonObjectParser(JSON));
            HttpResponse response = request.execute();
            try {
                return response.parseAs(GenericData.class);
            } finally {
                response.disconnect();
            }
        });
        if (!(data.get("accessToken") instanceof String token) || token.isBlank()) {
            throw new GoogleFailure.Malformed("the response has no accessToken", null);
        }
        if (!(data.get("expireTime") instanceof String expireTime)) {
            throw new GoogleFailure.Malformed("the response has no expireTime", null);
        }
        try {
            return new Token(token, "Bearer", OffsetDateTime.parse(expireTime).toInstant());
        } catch (DateTimeException e) {
            throw new GoogleFailure.Malformed("expireTime is not an RFC 3339 timestamp", e);
        }
    }

    private <T> T call(Step<T> step) throws GoogleFailure {
        boolean[] answered = {false};
        HttpRequestFactory requests = transports.create().createRequestFactory(request -> {
            request.setConnectTimeout(Math.toIntExact(timeouts.connect().toMillis()));
            request.setReadTimeout(Math.toIntExact(timeouts.read().toMillis()));
            request.setFollowRedirects(false);
            request.setNumberOfRetries(0);
            request.setLoggingEnabled(false);
            request.setResponseInterceptor(response -> {
                answered[0] = true;
                if (!response.isSuccessStatusCode()) {
                    throw answeredWithError(response);
                }
            });
        });
        try {
            return step.run(requests);
        } catch (GoogleFailure failure) {
            throw failure;
        } catch (SocketTimeoutException timeout) {
            throw new GoogleFailure.TimedOut(timeout);
        } catch (IOException | RuntimeException e) {
            if (answered[0]) {
                throw new GoogleFailure.Malformed("the success response is not the documented JSON", e);
            }
            throw new GoogleFailure.Unreachable(e);
        }
    }

    /**
     * Reads Google's error body: OAuth's {@code {"error": "invalid_grant", "error_description": ...}}
     * (STS) or the API's {@code {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": ...}}}
     * (IAM). Anything else keeps only the status: a proxy's HTML page is not Google's word.
     */
    private static GoogleFailure.Answered answeredWithError(HttpResponse response) {
        int status = response.getStatusCode();
        String fallbackCode = "HTTP " + status;
        String fallbackMessage = response.getStatusMessage() == null ? "" : response.getStatusMessage();
        String body;
        try (InputStream in = response.getContent()) {
            body = in == null ? "" : new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException unreadable) {
            return new GoogleFailure.Answered(status, fallbackCode, fallbackMessage);
        } finally {
            disconnect(response);
        }
        try {
            JsonElement root = JsonParser.parseString(body);
            if (!root.isJsonObject()) {
                return new GoogleFailure.Answered(status, fallbackCode, fallbackMessage);
            }
            JsonElement error = root.getAsJsonObject().get("error");
            if (error != null && error.isJsonPrimitive()) {
                return new GoogleFailure.Answered(status, error.getAsString(), text(root.getAsJsonObject(), "error_description"));
            }
            if (error != null && error.isJsonObject()) {
                JsonObject e = error.getAsJsonObject();
                String code = text(e, "status");
                return new GoogleFailure.Answered(status, code.isEmpty() ? fallbackCode : code, text(e, "message"));
            }
        } catch (RuntimeException notJson) {
            // fall through: keep the status only
        }
        return new GoogleFailure.Answered(status, fallbackCode, fallbackMessage);
    }

    private static String text(JsonObject object, String member) {
        JsonElement value = object.get(member);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : "";
    }

    private static void disconnect(HttpResponse response) {
        try {
            response.disconnect();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
