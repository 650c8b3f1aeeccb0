package dev.keyway.broker.issuer;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * OIDC discovery: reads {@code <issuer>/.well-known/openid-configuration}, insists that its
 * {@code issuer} equals the configured value exactly (a mix-up defence), then fetches the JWKS it
 * names. The discovery document is fetched again only when a JWKS fetch is needed and failed.
 */
final class DiscoveredJwksSource implements JWKSetSource<SecurityContext> {

    private final String issuer;
    private final SafeFetcher fetcher;
    private volatile URLBasedJWKSetSource<SecurityContext> jwks;

    DiscoveredJwksSource(String issuer, SafeFetcher fetcher) {
        this.issuer = issuer;
        this.fetcher = fetcher;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        URLBasedJWKSetSource<SecurityContext> source = jwks;
        if (source == null) {
            source = new URLBasedJWKSetSource<>(discoverJwksUri(), fetcher);
        }
        try {
            JWKSet keys = source.getJWKSet(refreshEvaluator, currentTime, context);
            jwks = source;
            return keys;
        } catch (KeySourceException e) {
            jwks = null; // rediscover next time: the issuer may have moved its JWKS
            throw e;
        }
    }

    private URL discoverJwksUri() throws KeySourceException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI discovery = URI.create(base + "/.well-known/openid-configuration");
        try {
            Resource resource = fetcher.retrieveResource(discovery.toURL());
            Map<String, Object> document = JSONObjectUtils.parse(resource.getContent());
            Object advertised = document.get("issuer");
            if (!issuer.equals(advertised)) {
                throw new KeySourceException("discovery document at " + discovery + " names issuer '" + advertised
                        + "', not the configured '" + issuer + "'");
            }
            if (!(document.get("jwks_uri") instanceof String jwksUri)) {
                throw new KeySourceException("discovery document at " + discovery + " has no jwks_uri");
            }
            URI uri = URI.create(jwksUri);
            SafeFetcher.requireFetchable(uri);
            return uri.toURL();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new KeySourceException("OIDC discovery failed for " + issuer + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        URLBasedJWKSetSource<SecurityContext> source = jwks;
        if (source != null) {
            source.close();
        }
    }
}
