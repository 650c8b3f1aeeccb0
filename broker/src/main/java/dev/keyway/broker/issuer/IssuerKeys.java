package dev.keyway.broker.issuer;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import dev.keyway.broker.policy.IssuerConfig;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One key source per configured issuer, built on first use and kept across policy reloads while
 * the issuer's key settings are unchanged (so a reload does not throw away cached JWKS). Remote
 * sources cache, refresh ahead, refetch at most once per rate-limit interval on an unknown kid,
 * and keep serving cached keys through an outage.
 */
public final class IssuerKeys {

    /** What identifies an issuer's keys: the same three settings mean the same keys. */
    private record KeySettings(String issuer, String jwksUri, String jwksFile) {
    }

    public record Settings(Duration cacheTtl, Duration rateLimit, Duration outageTolerance, Duration fetchTimeout, int maxBytes) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(15), Duration.ofSeconds(30),
                Duration.ofHours(6), Duration.ofSeconds(5), 512 * 1024);
    }

    private final Settings settings;
    private final SafeFetcher fetcher;
    private final Map<KeySettings, JWKSource<SecurityContext>> sources = new ConcurrentHashMap<>();

    public IssuerKeys(Settings settings) {
        this(settings, (host, ok) -> { });
    }

    public IssuerKeys(Settings settings, SafeFetcher.Observer observer) {
        this(settings, observer, io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.of(SafeFetcher.BREAKER));
    }

    public IssuerKeys(Settings settings, SafeFetcher.Observer observer,
                      io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry breakers) {
        this.settings = settings;
        this.fetcher = new SafeFetcher(settings.fetchTimeout(), settings.maxBytes(), observer, breakers);
    }

    public JWKSource<SecurityContext> source(IssuerConfig issuer) {
        KeySettings key = new KeySettings(issuer.issuer(), issuer.jwksUri().orElse(null), issuer.jwksFile().orElse(null));
        return sources.computeIfAbsent(key, k -> build(issuer));
    }

    /** After a policy reload: forget issuers no longer configured, and re-read static JWKS files. */
    public void afterReload(Iterable<IssuerConfig> issuers) {
        java.util.Set<KeySettings> keep = new java.util.HashSet<>();
        issuers.forEach(i -> {
            if (i.jwksFile().isEmpty()) {
                keep.add(new KeySettings(i.issuer(), i.jwksUri().orElse(null), null));
            }
        });
        sources.keySet().retainAll(keep);
    }

    private JWKSource<SecurityContext> build(IssuerConfig issuer) {
        if (issuer.jwksFile().isPresent()) {
            return fromFile(Path.of(issuer.jwksFile().get()));
        }
        var remote = issuer.jwksUri().isPresent()
                ? JWKSourceBuilder.<SecurityContext>create(url(issuer.jwksUri().get()), fetcher)
                : JWKSourceBuilder.<SecurityContext>create(new DiscoveredJwksSource(issuer.issuer(), fetcher));
        JWKSource<SecurityContext> built = remote
                .cache(settings.cacheTtl().toMillis(), settings.fetchTimeout().toMillis())
                .refreshAheadCache(true)
                .rateLimited(settings.rateLimit().toMillis())
                .retrying(false)
                .outageTolerant(settings.outageTolerance().toMillis())
                .build();
        return new UnknownKidTolerant(((JWKSetBasedJWKSource<SecurityContext>) built).getJWKSetSource());
    }

    /**
     * Nimbus's JWKSetBasedJWKSource, except for one case: when a kid missing from the cached keys
     * prompts a refetch and the rate limit refuses it, the keys were fetched moments ago and the kid
     * is not among them. That is the token's fault (no matching key), not an outage; Nimbus's
     * RateLimitReachedException would otherwise surface as 503 unavailable for every such token.
     */
    private record UnknownKidTolerant(JWKSetSource<SecurityContext> keys) implements JWKSource<SecurityContext> {

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            long now = System.currentTimeMillis();
            JWKSet cached = keys.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
            List<JWK> found = selector.select(cached);
            if (!found.isEmpty()) {
                return found;
            }
            try {
                return selector.select(keys.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context));
            } catch (RateLimitReachedException e) {
                return List.of();
            }
        }
    }

    /**
     * A static JWKS file is read once, when the source is built: after each policy reload (which
     * drops file sources, see {@link #afterReload}), never per request.
     */
    private static JWKSource<SecurityContext> fromFile(Path file) {
        try {
            return new ImmutableJWKSet<>(JWKSet.parse(Files.readString(file)).toPublicJWKSet());
        } catch (IOException | ParseException e) {
            String reason = "cannot read jwks-file " + file + ": " + e.getMessage();
            return (selector, context) -> {
                throw new com.nimbusds.jose.KeySourceException(reason, e);
            };
        }
    }

    private static java.net.URL url(String text) {
        try {
            return URI.create(text).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + text, e);
        }
    }

    @Override
    public String toString() {
        return "IssuerKeys" + Objects.toString(sources.keySet());
    }
}
