package dev.keyway.broker.profile;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.Identity;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An issuer profile: which claims a platform's tokens carry, how they normalize, and which
 * untrusted-trigger guard applies. Data, not code paths: adding a platform is one more constant.
 */
public enum Profile implements ClaimCatalog {

    GITHUB("github", Claims.GITHUB, Normalizers::topLevel, Guards::githubUntrustedTrigger, "repository_id", "repository"),
    GITLAB("gitlab", Claims.GITLAB, Normalizers::topLevel, Guards::gitlabForkPipeline, "project_id", "project_path"),
    KUBERNETES("kubernetes", Claims.KUBERNETES, Normalizers::kubernetes, Guards::none, "service_account_uid", "sub"),
    OIDC("oidc", Set.of(), Normalizers::topLevel, Guards::none, "sub");

    /** Registered JWT claims every profile knows. */
    static final Set<String> STANDARD = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp");

    private final String id;
    private final Set<String> claims;
    private final Normalizer normalizer;
    private final Guard guard;
    private final List<ClaimRef> callerClaims;

    Profile(String id, Set<String> claims, Normalizer normalizer, Guard guard, String... callerClaims) {
        this.id = id;
        this.claims = claims;
        this.normalizer = normalizer;
        this.guard = guard;
        this.callerClaims = Arrays.stream(callerClaims).map(ClaimRef::parse).toList();
    }

    /**
     * Who the caller is for per-caller rate limits: the repository, project or service account,
     * by its stable ID where the platform has one. Empty when the token carries none of them.
     */
    public Optional<String> callerKey(Identity identity) {
        for (ClaimRef claim : callerClaims) {
            Optional<String> value = identity.value(claim).scalar();
            if (value.isPresent()) {
                return Optional.of(claim.text() + "=" + value.get());
            }
        }
        return Optional.empty();
    }

    public String id() {
        return id;
    }

    public static Optional<Profile> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    public static String ids() {
        return String.join(" | ", Arrays.stream(values()).map(Profile::id).toList());
    }

    /** oidc knows every claim name (it has no fixed schema); the others only their own and the standard ones. */
    @Override
    public boolean knows(String claimName) {
        return this == OIDC || STANDARD.contains(claimName) || claims.contains(claimName);
    }

    @Override
    public String describe() {
        return "a " + id + " issuer";
    }

    /** The profile's own claim names, sorted, for messages and docs. */
    public Set<String> claimNames() {
        return new TreeSet<>(claims);
    }

    /** Raw token claims to the identity policy sees. */
    public Identity identify(String issuerName, Map<String, Object> rawClaims) {
        Map<String, Object> normalized = new LinkedHashMap<>(rawClaims);
        normalizer.addDerived(rawClaims, normalized);
        return new Identity(issuerName, normalized, rawClaims);
    }

    /** The untrusted-trigger check; empty when the token is not one this profile distrusts. */
    public Optional<GuardViolation> guard(Identity identity, GuardOptIn optIn) {
        return guard.check(identity, optIn);
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    interface Normalizer {
        void addDerived(Map<String, Object> raw, Map<String, Object> normalized);
    }

    @FunctionalInterface
    interface Guard {
        Optional<GuardViolation> check(Identity identity, GuardOptIn optIn);
    }
}
