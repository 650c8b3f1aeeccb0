package dev.keyway.broker.issuer;

import static dev.keyway.broker.issuer.VerifierFixtures.issuer;
import static dev.keyway.broker.issuer.VerifierFixtures.list;
import static dev.keyway.broker.issuer.VerifierFixtures.policy;
import static dev.keyway.broker.issuer.VerifierFixtures.refusal;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_SIGNATURE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fetching issuers' keys over HTTP from a loopback stand-in: jwks-uri, OIDC discovery, redirects,
 * size caps, rotation, refetch rate limits and outages, each observed by counting requests.
 */
class KeyFetchTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ISS = "https://ci.example.com";
    private static final String AUD = "expected-aud";
    private static final TestIssuer KEYS = TestIssuer.generate();
    private static final int MAX_BYTES = IssuerKeys.Settings.DEFAULT.maxBytes();

    @TempDir
    Path dir;
    private StandIn issuer;

    @BeforeEach
    void start() {
        issuer = StandIn.start();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    @Test
    void keysComeFromTheJwksUriAndAreFetchedOnce() throws Exception {
        issuer.json("/jwks.json", jwks(KEYS.rsa, KEYS.ec));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = verifier();
        verifier.verify(token(ISS, KEYS.rsa), policy);
        verifier.verify(token(ISS, KEYS.ec), policy);
        assertEquals(1, issuer.requests("/jwks.json"), "the second token is verified from the cache");
    }

    @ParameterizedTest(name = "discovery works for an issuer at {0}")
    @ValueSource(strings = {"", "/tenant-a"})
    void keysComeFromTheDiscoveredJwksUri(String path) throws Exception {
        String iss = issuer.origin() + path;
        issuer.json(path + "/.well-known/openid-configuration", discovery(iss, issuer.url("/keys")));
        issuer.json("/keys", jwks(KEYS.rsa));
        verifier().verify(token(iss, KEYS.rsa), discovered(iss));
        assertEquals(1, issuer.requests(path + "/.well-known/openid-configuration"));
        assertEquals(1, issuer.requests("/keys"));
    }

    static Stream<Arguments> misleadingDiscoveryDocuments() {
        return Stream.of(
                Arguments.of("a document naming another issuer is refused",
                        (Function<String, String>) origin -> discovery("https://other.example.com", origin + "/keys")),
                Arguments.of("a document naming the issuer with a trailing slash is refused (exact match)",
                        (Function<String, String>) origin -> discovery(origin + "/", origin + "/keys")),
                Arguments.of("a document without issuer is refused",
                        (Function<String, String>) origin -> "{\"jwks_uri\":\"" + origin + "/keys\"}"),
                Arguments.of("a document whose jwks_uri is plain http to another host is refused",
                        (Function<String, String>) origin -> discovery(origin, "http://keys.example.com/keys")),
                Arguments.of("a document without jwks_uri is refused",
                        (Function<String, String>) origin -> "{\"issuer\":\"" + origin + "\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misleadingDiscoveryDocuments")
    void aDiscoveryDocumentThatDoesNotVouchForTheIssuerIsRefused(String sentence, Function<String, String> document) {
        issuer.json("/.well-known/openid-configuration", document.apply(issuer.origin()));
        issuer.json("/keys", jwks(KEYS.rsa));
        KeywayException refused = assertThrows(KeywayException.class,
                () -> verifier().verify(token(issuer.origin(), KEYS.rsa), discovered(issuer.origin())));
        assertEquals(UNAVAILABLE, refused.code());
        assertEquals(0, issuer.requests("/keys"), "no keys are fetched on a document that does not vouch for the issuer");
    }

    @Test
    void aRedirectToAnotherOriginIsRefusedWithoutContactingIt() throws Exception {
        try (StandIn elsewhere = StandIn.start()) {
            elsewhere.json("/jwks.json", jwks(KEYS.rsa));
            issuer.redirect("/jwks.json", elsewhere.url("/jwks.json"));
            issuer.redirect("/to-https", "https://127.0.0.1:" + URI.create(issuer.origin()).getPort() + "/jwks.json");
            for (String path : List.of("/jwks.json", "/to-https")) {
                assertEquals(UNAVAILABLE, refusal(verifier(), token(ISS, KEYS.rsa), jwksUri(issuer.url(path))), path);
            }
            assertEquals(0, elsewhere.requests(), "the other origin was never contacted");
        }
    }

    @Test
    void redirectsWithinTheOriginAreFollowedUpToThree() throws Exception {
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        issuer.redirect("/r1", "/r2").redirect("/r2", "/r3").redirect("/r3", issuer.url("/jwks.json"));
        issuer.redirect("/r0", "/r1");
        verifier().verify(token(ISS, KEYS.rsa), jwksUri(issuer.url("/r1")));
        assertEquals(UNAVAILABLE, refusal(verifier(), token(ISS, KEYS.rsa), jwksUri(issuer.url("/r0"))), "four redirects");
    }

    static Stream<Arguments> jwksSizes() {
        return Stream.of(
                Arguments.of("a JWKS of exactly the size cap is accepted", MAX_BYTES, false, null),
                Arguments.of("a JWKS one byte over the size cap is refused", MAX_BYTES + 1, false, UNAVAILABLE),
                Arguments.of("a JWKS over the size cap sent without Content-Length is refused", MAX_BYTES + 1, true, UNAVAILABLE),
                Arguments.of("a JWKS of several megabytes is refused", 8 * MAX_BYTES, true, UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jwksSizes")
    void theJwksSizeCapHolds(String sentence, int size, boolean chunked, ErrorCode expected) throws Exception {
        String json = jwks(KEYS.rsa);
        byte[] body = (json + " ".repeat(size - json.length())).getBytes(StandardCharsets.UTF_8);
        issuer.route("/jwks.json", exchange -> {
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // the fetcher hung up after the cap: expected
            }
        });
        if (expected == null) {
            verifier().verify(token(ISS, KEYS.rsa), jwksUri(issuer.url("/jwks.json")));
        } else {
            assertEquals(expected, refusal(verifier(), token(ISS, KEYS.rsa), jwksUri(issuer.url("/jwks.json"))));
        }
    }

    @Test
    void aTokenSignedWithANewKeyIsAcceptedOnceTheJwksPublishesIt() throws Exception {
        RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-next").generate();
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = verifier();
        verifier.verify(token(ISS, KEYS.rsa), policy);

        issuer.json("/jwks.json", jwks(KEYS.rsa, next));
        verifier.verify(token(ISS, next), policy);
        assertEquals(2, issuer.requests("/jwks.json"), "one fetch at start, one for the unknown kid");
        verifier.verify(token(ISS, KEYS.rsa), policy);
        assertEquals(2, issuer.requests("/jwks.json"));
    }

    @Test
    void aFloodOfUnknownKidsCausesAtMostTwoFetches() throws Exception {
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = verifier();
        for (String token : unknownKidTokens(50)) {
            assertThrows(KeywayException.class, () -> verifier.verify(token, policy));
        }
        assertTrue(issuer.requests("/jwks.json") <= 2, issuer.requests("/jwks.json") + " fetches for 50 unknown kids");
        verifier.verify(token(ISS, KEYS.rsa), policy);
    }

    @Test
    void everyTokenOfAFloodOfUnknownKidsIsRefusedAsTheCallersFaultNotAsAnOutage() throws Exception {
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = verifier();
        List<ErrorCode> codes = new ArrayList<>();
        for (String token : unknownKidTokens(50)) {
            codes.add(refusal(verifier, token, policy));
        }
        // The issuer is up and its keys are usable: a kid it never published is token_signature_invalid
        // (401), whether or not the refetch it prompted was rate-limited. unavailable (503) is for outages.
        assertEquals(List.of(TOKEN_SIGNATURE_INVALID), codes.stream().distinct().toList(),
                codes.stream().filter(c -> c == UNAVAILABLE).count() + " of 50 refused as unavailable");
    }

    @Test
    void cachedKeysServeThroughAnOutageThatBeginsAfterAFetch() throws Exception {
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = verifier();
        verifier.verify(token(ISS, KEYS.rsa), policy);
        issuer.close();

        verifier.verify(token(ISS, KEYS.rsa), policy);
        // A kid the cache lacks forces a refetch, which fails: the outage-tolerant copy answers, so the
        // token is refused for its kid, not for the outage.
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier, unknownKidTokens(1).get(0), policy));
        verifier.verify(token(ISS, KEYS.rsa), policy);
    }

    @Test
    void cachedKeysOutliveTheirCacheTtlWhileTheIssuerIsDown() throws Exception {
        // The shortest cache Nimbus allows with refresh-ahead (30 s) and a 1 s fetch timeout.
        Duration ttl = Duration.ofSeconds(31);
        IssuerKeys keys = new IssuerKeys(new IssuerKeys.Settings(ttl, Duration.ofSeconds(1), Duration.ofHours(6),
                Duration.ofSeconds(1), MAX_BYTES));
        issuer.json("/jwks.json", jwks(KEYS.rsa));
        PolicySet policy = jwksUri(issuer.url("/jwks.json"));
        TokenVerifier verifier = VerifierFixtures.verifier(NOW, keys);
        verifier.verify(token(ISS, KEYS.rsa), policy);
        issuer.close();
        Thread.sleep(ttl.plusSeconds(1).toMillis());
        verifier.verify(token(ISS, KEYS.rsa), policy);
    }

    @Test
    void anIssuerDownFromTheStartMakesItsTokensUnavailable() {
        String url = issuer.url("/jwks.json");
        issuer.close();
        KeywayException refused = assertThrows(KeywayException.class,
                () -> verifier().verify(token(ISS, KEYS.rsa), jwksUri(url)));
        assertEquals(UNAVAILABLE, refused.code());
        assertTrue(refused.retryAfter().isPresent(), "unavailable carries Retry-After");
    }

    @ParameterizedTest(name = "an issuer answering HTTP {0} makes its tokens unavailable")
    @ValueSource(ints = {404, 500, 503})
    void anIssuerAnsweringAnErrorMakesItsTokensUnavailable(int status) {
        issuer.route("/jwks.json", exchange -> StandIn.send(exchange, status, "{}"));
        assertEquals(UNAVAILABLE, refusal(verifier(), token(ISS, KEYS.rsa), jwksUri(issuer.url("/jwks.json"))));
    }

    @Test
    void aServerThatNeverAnswersIsAbandonedAfterTheFetchTimeout() {
        issuer.route("/jwks.json", exchange -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SafeFetcher fetcher = new SafeFetcher(Duration.ofSeconds(1), MAX_BYTES);
        assertTimeoutPreemptively(Duration.ofSeconds(4),
                () -> assertThrows(IOException.class, () -> fetcher.retrieveResource(URI.create(issuer.url("/jwks.json")).toURL())));
    }

    @Test
    void aServerThatDripsItsBodyIsAbandonedAfterTheFetchTimeout() {
        issuer.drip("/jwks.json", jwks(KEYS.rsa), Duration.ofMillis(200));
        SafeFetcher fetcher = new SafeFetcher(Duration.ofSeconds(1), MAX_BYTES);
        assertTimeoutPreemptively(Duration.ofSeconds(4),
                () -> assertThrows(IOException.class, () -> fetcher.retrieveResource(URI.create(issuer.url("/jwks.json")).toURL())),
                "a body trickling in one byte at a time must not hold a request thread past the fetch timeout");
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"http://example.com/jwks.json", "http://127.0.0.1.nip.io/jwks.json",
            "http://localhost.example.com/jwks.json", "http://0.0.0.0/jwks.json", "ftp://127.0.0.1/jwks.json",
            "file:///etc/passwd", "http:///jwks.json", "http://[::ffff:7f00:1]/jwks.json"})
    void onlyHttpsOrLoopbackHttpIsFetched(String url) {
        assertThrows(IOException.class, () -> SafeFetcher.requireFetchable(URI.create(url)));
    }

    @ParameterizedTest(name = "{0} is fetchable")
    @ValueSource(strings = {"https://token.actions.githubusercontent.com/.well-known/jwks", "http://127.0.0.1:8080/jwks.json",
            "http://localhost/jwks.json", "http://[::1]:8080/jwks.json", "HTTPS://gitlab.com/oauth/discovery/keys"})
    void httpsAndLoopbackHttpAreFetchable(String url) {
        assertDoesNotThrow(() -> SafeFetcher.requireFetchable(URI.create(url)));
    }

    @Test
    void aPlainHttpUrlIsRefusedBeforeAnyConnection() {
        SafeFetcher fetcher = new SafeFetcher(Duration.ofSeconds(1), MAX_BYTES);
        IOException refused = assertThrows(IOException.class,
                () -> fetcher.retrieveResource(URI.create("http://keys.example.com/jwks.json").toURL()));
        assertTrue(refused.getMessage().contains("only https"), "refused for its scheme, not for a failed connection");
    }

    // --- fixtures ------------------------------------------------------------------------------

    private TokenVerifier verifier() {
        return VerifierFixtures.verifier(NOW, VerifierFixtures.keys());
    }

    private PolicySet jwksUri(String url) {
        return policy(dir.resolve("policy"), issuer("remote", "oidc", ISS, Map.of("jwks-uri", url, "audiences", list(AUD))));
    }

    private PolicySet discovered(String iss) {
        return policy(dir.resolve("policy"), issuer("discovered", "oidc", iss, Map.of("audiences", list(AUD))));
    }

    private static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private static String discovery(String iss, String jwksUri) {
        return "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + jwksUri + "\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    private static String token(String iss, JWK key) {
        JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        return TestIssuer.sign(alg, TestIssuer.claims(iss, AUD, NOW).build(), key);
    }

    /** Tokens of the configured issuer naming kids it never published (signed by a throwaway key). */
    private static List<String> unknownKidTokens(int count) throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(TestIssuer.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-" + i).build(),
                    TestIssuer.claims(ISS, AUD, NOW).build(), stranger));
        }
        return tokens;
    }
}
