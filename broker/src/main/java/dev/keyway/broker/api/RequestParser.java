package dev.keyway.broker.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyway.broker.exchange.ExchangeRequest;
import dev.keyway.broker.exchange.Format;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Strict parsing of the exchange body (CONTRACT §4): a JSON object with known fields of the right
 * types; the token in the body or as {@code Authorization: Bearer}, not two different ones.
 */
final class RequestParser {

    private static final Set<String> FIELDS = Set.of("binding", "token", "ttl", "csr", "publicKey", "format");
    private static final int MAX_BINDING_NAME = 253;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private RequestParser() {
    }

    static ExchangeRequest parse(byte[] body, Optional<String> authorization, int maxBodyBytes, String requestId, String clientIp)
            throws KeywayException {
        if (body.length > maxBodyBytes) {
            throw new KeywayException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBodyBytes + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw invalid("body is not valid JSON");
        }
        if (!(root instanceof ObjectNode object)) {
            throw invalid("body must be a JSON object like {\"binding\": \"...\", \"token\": \"...\"}");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid("unknown field '" + name + "' (fields: binding, token, ttl, csr, publicKey, format)");
            }
        }
        String binding = string(object, "binding").orElseThrow(() -> invalid("missing field 'binding'"));
        if (binding.isEmpty() || binding.length() > MAX_BINDING_NAME) {
            throw invalid("binding must be a binding name");
        }
        Optional<String> bodyToken = string(object, "token");
        Optional<String> bearer = bearer(authorization);
        if (bodyToken.isPresent() && bearer.isPresent() && !bodyToken.get().equals(bearer.get())) {
            throw invalid("two different tokens: send it in the body or as Authorization: Bearer, not both");
        }
        String token = bodyToken.or(() -> bearer).orElseThrow(() ->
                invalid("missing token: send the OIDC token as \"token\" or as Authorization: Bearer"));
        Optional<String> formatId = string(object, "format");
        Format format = Format.JSON;
        if (formatId.isPresent()) {
            format = Format.byId(formatId.get()).orElseThrow(() ->
                    invalid("format '" + formatId.get() + "' is not one of " + Format.ids()));
        }
        return new ExchangeRequest(binding, token, string(object, "ttl"), string(object, "csr"), string(object, "publicKey"),
                format, requestId, clientIp);
    }

    private static Optional<String> bearer(Optional<String> authorization) throws KeywayException {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String value = authorization.get();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw invalid("Authorization must be 'Bearer <token>'");
        }
        return Optional.of(value.substring(7).strip());
    }

    private static Optional<String> string(ObjectNode object, String name) throws KeywayException {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw invalid("field '" + name + "' must be a string");
        }
        return Optional.of(node.textValue());
    }

    private static KeywayException invalid(String message) {
        return new KeywayException(ErrorCode.INVALID_REQUEST, message);
    }
}
