package dev.keyway.providers.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A token-endpoint answer Keyway will not hand to MSAL: every error answer, and every 200 without a
 * usable token. {@link Check} reads each answer before MSAL does, because MSAL and Azure Identity
 * log the text of what they fail to parse at WARN/ERROR, and a malformed 200 may well contain an
 * access token. Its message is built only from fields Keyway read out (status, AAD error code and
 * description), never from the raw body.
 *
 * <p>Raising error answers here also makes {@link dev.keyway.providers.upstream.Upstream} the one
 * place that retries: MSAL would otherwise retry every 5xx once more by itself.
 */
final class EntraAnswer extends RuntimeException {

    enum Kind {
        /** An error answer in AAD's JSON shape: error, error_description, error_codes. */
        AAD_ERROR,
        /** An error answer in any other shape (a proxy's HTML page, an empty body). */
        UNREADABLE_ERROR,
        /** HTTP 200 without a token Keyway can use. */
        MALFORMED_TOKEN
    }

    private static final int MAX_BODY = 256 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private final int status;
    private final Kind kind;
    private final String error;
    private final String description;
    private final List<Integer> codes;

    EntraAnswer(int status, Kind kind, String error, String description, List<Integer> codes) {
        super(describe(status, kind, error, description), null, false, false);
        this.status = status;
        this.kind = kind;
        this.error = error;
        this.description = description;
        this.codes = List.copyOf(codes);
    }

    static EntraAnswer malformed(String what) {
        return new EntraAnswer(200, Kind.MALFORMED_TOKEN, null, what, List.of());
    }

    int status() {
        return status;
    }

    Kind kind() {
        return kind;
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    String description() {
        return description;
    }

    List<Integer> codes() {
        return codes;
    }

    private static String describe(int status, Kind kind, String error, String description) {
        return switch (kind) {
            case AAD_ERROR -> "HTTP " + status + " " + error + ": " + description;
            case UNREADABLE_ERROR -> "HTTP " + status + " without Entra ID's error JSON";
            case MALFORMED_TOKEN -> "HTTP 200 without a usable token: " + description;
        };
    }

    /** The pipeline policy that reads token-endpoint answers first. */
    static final class Check extends HttpPipelineSyncPolicy {

        @Override
        protected HttpResponse afterReceivedResponse(HttpPipelineCallContext context, HttpResponse response) {
            if (!context.getHttpRequest().getUrl().getPath().endsWith("/oauth2/v2.0/token")) {
                return response;
            }
            HttpResponse buffered = response.buffer();
            Optional<JsonNode> body = json(buffered);
            int status = buffered.getStatusCode();
            if (status == 200) {
                JsonNode token = body.map(b -> b.get("access_token")).orElse(null);
                JsonNode expiresIn = body.map(b -> b.get("expires_in")).orElse(null);
                if (token == null || !token.isTextual() || token.asText().isEmpty()) {
                    throw malformed("no access_token string");
                }
                if (expiresIn == null || !(expiresIn.isIntegralNumber() || expiresIn.isTextual() && expiresIn.asText().matches("\\d{1,9}"))) {
                    throw malformed("no expires_in number");
                }
                return buffered;
            }
            JsonNode error = body.map(b -> b.get("error")).orElse(null);
            if (error == null || !error.isTextual()) {
                throw new EntraAnswer(status, Kind.UNREADABLE_ERROR, null, "", List.of());
            }
            JsonNode description = body.get().get("error_description");
            List<Integer> codes = new ArrayList<>();
            JsonNode errorCodes = body.get().get("error_codes");
            if (errorCodes != null && errorCodes.isArray()) {
                errorCodes.forEach(c -> {
                    if (c.canConvertToInt()) {
                        codes.add(c.asInt());
                    }
                });
            }
            throw new EntraAnswer(status, Kind.AAD_ERROR, error.asText(),
                    description != null && description.isTextual() ? description.asText() : "", codes);
        }

        private static Optional<JsonNode> json(HttpResponse response) {
            byte[] bytes = response.getBodyAsBinaryData().toBytes();
            if (bytes.length == 0 || bytes.length > MAX_BODY) {
                return Optional.empty();
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
            } catch (IOException notJson) {
                return Optional.empty(); // its message may quote the body: dropped on purpose
            }
        }
    }
}
