package dev.keyway.broker.api;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.keys.SigningKeys;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyway as an OIDC issuer: clouds and relying parties discover its keys here. Both documents
 * are computed once; they change only when the key set does (a restart after rotation).
 */
@Controller("/.well-known")
public class IssuerController {

    private final Map<String, Object> discovery;
    private final String jwks;

    public IssuerController(KeywayConfiguration configuration, SigningKeys keys) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", configuration.getPublicUrl());
        doc.put("jwks_uri", configuration.getPublicUrl() + "/.well-known/jwks.json");
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", keys.algorithms());
        doc.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "keyway"));
        this.discovery = java.util.Collections.unmodifiableMap(doc);
        this.jwks = keys.publicJwks();
    }

    @Get(uri = "/openid-configuration", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Map<String, Object>> discovery() {
        return HttpResponse.ok(discovery).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300");
    }

    @Get(uri = "/jwks.json", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> jwks() {
        return HttpResponse.ok(jwks).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300");
    }
}
