package dev.keyway.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IssueRequestTest {

    private static IssueRequest request(Map<String, Object> claims) {
        return new IssueRequest("deploy", null, new Identity("github", claims, claims), Duration.ofMinutes(5),
                Instant.EPOCH, "req-1", Optional.empty(), Optional.empty(), "json", null);
    }

    @Test
    void identityClaimKeepsTheCallersScalarClaimsInOrderWithoutTheTokensOwn() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "repo:acme/api:ref:refs/heads/main");
        claims.put("aud", "https://keyway.example");
        claims.put("repository", "acme/api");
        claims.put("exp", 1_900_000_000L);
        claims.put("ref_protected", true);
        claims.put("run_attempt", 2L);
        claims.put("groups", List.of("a"));
        claims.put("meta", Map.of("k", "v"));
        claims.put("iat", 1_800_000_000L);
        claims.put("jti", "j-1");
        claims.put("nbf", 1_800_000_000L);
        claims.put("azp", "client");

        Map<String, Object> claim = request(claims).identityClaim();

        assertEquals(List.of("binding", "issuer", "claims"), new ArrayList<>(claim.keySet()));
        assertEquals("deploy", claim.get("binding"));
        assertEquals("github", claim.get("issuer"));
        @SuppressWarnings("unchecked")
        Map<String, String> identity = (Map<String, String>) claim.get("claims");
        assertEquals(List.of("sub", "repository", "ref_protected", "run_attempt"), new ArrayList<>(identity.keySet()));
        assertEquals(Map.of("sub", "repo:acme/api:ref:refs/heads/main", "repository", "acme/api", "ref_protected", "true",
                "run_attempt", "2"), identity);
    }

    @Test
    void bindingSubjectIsTheBindingAndTheCallersSubAsText() {
        assertEquals(Optional.of("deploy:repo:acme/api"), request(Map.of("sub", "repo:acme/api")).bindingSubject());
        assertEquals(Optional.of("deploy:42"), request(Map.of("sub", 42L)).bindingSubject());
    }

    @Test
    void bindingSubjectIsEmptyWithoutAUsableSub() {
        assertEquals(Optional.empty(), request(Map.of()).bindingSubject());
        assertEquals(Optional.empty(), request(Map.of("sub", "")).bindingSubject());
        assertEquals(Optional.empty(), request(Map.of("sub", List.of("a"))).bindingSubject());
        assertEquals(Optional.empty(), request(Map.of("sub", Map.of("k", "v"))).bindingSubject());
    }
}
