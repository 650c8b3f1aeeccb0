package dev.keyway.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {

    private static final Map<String, Object> RAW = raw();

    private static Map<String, Object> raw() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("sub", "system:serviceaccount:default:web");
        raw.put("kubernetes.io", Map.of(
                "namespace", "default",
                "pod", Map.of("name", "web-1", "uid", "u-1"),
                "containers", List.of(Map.of("name", "app"), Map.of("name", "sidecar"))));
        raw.put("groups", List.of("g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "g10"));
        raw.put("a/b", "slash");
        raw.put("m~n", "tilde");
        raw.put("~1", "tilde-one");
        raw.put("", "empty-key");
        raw.put("flag", true);
        raw.put("count", 7L);
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("nothing", null);
        raw.put("holder", withNull);
        return raw;
    }

    private static final Identity IDENTITY = new Identity("k8s",
            Map.of("namespace", "default", "service_account", "web", "groups", List.of("x")), RAW);

    static Stream<Arguments> found() {
        return Stream.of(
                Arguments.of("a top-level raw claim", "/sub", "system:serviceaccount:default:web"),
                Arguments.of("a claim nested in a map", "/kubernetes.io/namespace", "default"),
                Arguments.of("a claim two maps deep", "/kubernetes.io/pod/name", "web-1"),
                Arguments.of("a list element by index", "/groups/0", "g0"),
                Arguments.of("a two-digit index", "/groups/10", "g10"),
                Arguments.of("a map inside a list inside a map", "/kubernetes.io/containers/1/name", "sidecar"),
                Arguments.of("~1 decodes to a slash", "/a~1b", "slash"),
                Arguments.of("~0 decodes to a tilde", "/m~0n", "tilde"),
                Arguments.of("~01 decodes to ~1, not to a slash", "/~01", "tilde-one"),
                Arguments.of("a lone slash names the empty key", "/", "empty-key"),
                Arguments.of("a boolean reads as true", "/flag", "true"),
                Arguments.of("a number reads in decimal", "/count", "7"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("found")
    void pointersReachRawClaims(String sentence, String pointer, String expected) {
        assertEquals(Optional.of(expected), IDENTITY.value(ClaimRef.parse(pointer)).scalar());
    }

    @ParameterizedTest(name = "{0} is missing")
    @ValueSource(strings = {
            "/nope", "/kubernetes.io/nope", "/kubernetes.io/pod/name/deeper", "/sub/0",
            "/groups/11", "/groups/01", "/groups/-", "/groups/-1", "/groups/+1", "/groups/ 1", "/groups/1.0",
            "/groups/x", "/groups/", "/groups/9999999999", "/groups/999999999", "/groups/2147483648",
            "/a/b", "/holder/nothing", "/namespace", "/kubernetes.io/containers/2/name"})
    void badPointersAreMissing(String pointer) {
        assertSame(ClaimValue.MISSING, IDENTITY.value(ClaimRef.parse(pointer)));
    }

    @Test
    void pointersToCollectionsAreStructured() {
        assertInstanceOf(ClaimValue.Structured.class, IDENTITY.value(ClaimRef.parse("/groups")));
        assertInstanceOf(ClaimValue.Structured.class, IDENTITY.value(ClaimRef.parse("/kubernetes.io/pod")));
        assertEquals("(array)", IDENTITY.value(ClaimRef.parse("/kubernetes.io/containers")).describe());
    }

    @Test
    void namesReadNormalizedClaimsOnly() {
        assertEquals(Optional.of("web"), IDENTITY.value(ClaimRef.parse("service_account")).scalar());
        assertSame(ClaimValue.MISSING, IDENTITY.value(ClaimRef.parse("sub")), "sub is raw only in this identity");
        assertInstanceOf(ClaimValue.Structured.class, IDENTITY.value(ClaimRef.parse("groups")));
    }

    @Test
    void claimRefParsesOnce() {
        ClaimRef name = ClaimRef.parse("repository");
        assertEquals(false, name.isPointer());
        assertEquals("repository", name.topLevel());
        ClaimRef pointer = ClaimRef.parse("/kubernetes.io/pod/name");
        assertEquals(List.of("kubernetes.io", "pod", "name"), pointer.pointer());
        assertEquals("kubernetes.io", pointer.topLevel());
        assertEquals("/kubernetes.io/pod/name", pointer.toString());
        assertEquals(List.of("a/b", "m~n", "~1"), ClaimRef.parse("/a~1b/m~0n/~01").pointer());
    }

    @Test
    void claimsAreCopiedAndUnmodifiable() {
        Map<String, Object> claims = new HashMap<>(Map.of("repository", "acme/api"));
        Identity identity = new Identity("github", claims, claims);
        claims.put("repository", "evil/api");
        assertEquals(Optional.of("acme/api"), identity.value(ClaimRef.parse("repository")).scalar());
        assertEquals(Optional.of("acme/api"), identity.value(ClaimRef.parse("/repository")).scalar());
        assertThrows(UnsupportedOperationException.class, () -> identity.claims().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> identity.raw().put("x", "y"));
    }

    @Test
    void scalarClaimsShowOnlyScalarsAsStrings() {
        Identity identity = new Identity("github",
                new LinkedHashMap<>(Map.of("repository", "acme/api", "ref_protected", true, "run_attempt", 2L,
                        "groups", List.of("a"), "meta", Map.of("k", "v"))), Map.of());
        assertEquals(Map.of("repository", "acme/api", "ref_protected", "true", "run_attempt", "2"),
                identity.scalarClaims());
    }
}
