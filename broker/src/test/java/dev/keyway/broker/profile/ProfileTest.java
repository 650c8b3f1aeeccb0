package dev.keyway.broker.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.ClaimValue;
import dev.keyway.spi.Identity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileTest {

    private static Optional<String> scalar(Identity identity, String claim) {
        return identity.value(ClaimRef.parse(claim)).scalar();
    }

    /** Claim names a profile does not know; policy could not name them without a JSON pointer. */
    private static Set<String> unknownTo(Profile profile, Map<String, Object> claims) {
        Set<String> unknown = new TreeSet<>();
        claims.forEach((name, value) -> {
            if (!profile.knows(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }

    // --- GitHub ----------------------------------------------------------------------------------------------

    static List<String> githubIdTokens() {
        List<String> files = RealTokens.files("github", "gha_");
        files.removeIf(f -> f.contains("runtime_token")); // a runner runtime token, not an ID token
        assertTrue(files.size() >= 3, "expected the real GitHub ID tokens, found " + files);
        return files;
    }

    @ParameterizedTest(name = "{0}: github claims pass through unchanged")
    @MethodSource("githubIdTokens")
    void githubClaimsPassThrough(String file) {
        Map<String, Object> raw = RealTokens.claims(file);
        Identity identity = Profile.GITHUB.identify("github", raw);
        assertEquals(raw, identity.claims());
        assertEquals(raw, identity.raw());
        assertEquals("github", identity.issuer());
        for (String claim : List.of("repository", "repository_id", "ref", "event_name", "sub")) {
            assertEquals(Optional.of((String) raw.get(claim)), scalar(identity, claim), claim);
        }
        assertTrue(((String) raw.get("sub")).startsWith("repo:" + raw.get("repository") + ":"));
    }

    @ParameterizedTest(name = "{0}: the github profile knows every claim a real token carries")
    @MethodSource("githubIdTokens")
    void githubProfileKnowsRealClaims(String file) {
        assertEquals(Set.of(), unknownTo(Profile.GITHUB, RealTokens.claims(file)));
    }

    @Test
    void githubProfileKnowsEveryDocumentedClaim() {
        Map<String, Object> documented = RealTokens.documented("docs/github_docs_example_oidc_claims_github_com.json");
        assertEquals(Set.of(), unknownTo(Profile.GITHUB, documented));
        assertEquals(Optional.of("prod"), scalar(Profile.GITHUB.identify("github", documented), "environment"));
    }

    @Test
    void githubProfileKnowsEveryClaimTheContractNames() {
        for (String claim : List.of("repository", "repository_id", "repository_owner", "repository_owner_id", "ref",
                "ref_type", "sha", "workflow", "workflow_ref", "job_workflow_ref", "job_workflow_sha", "environment",
                "event_name", "run_id", "run_attempt", "actor", "actor_id", "runner_environment",
                "repository_visibility", "enterprise", "enterprise_id", "base_ref", "head_ref")) {
            assertTrue(Profile.GITHUB.knows(claim), claim);
        }
        assertFalse(Profile.GITHUB.knows("repo"), "a typo stays a typo");
        assertFalse(Profile.GITHUB.knows("namespace"), "another platform's claim is not a github claim");
        assertTrue(Profile.GITHUB.knows("sub"), "registered claims are known to every profile");
    }

    // --- GitLab ----------------------------------------------------------------------------------------------

    static List<String> gitlabCiTokens() {
        List<String> files = RealTokens.files("gitlab", "ci_job_jwt");
        assertTrue(files.size() >= 3, "expected the real GitLab CI job tokens, found " + files);
        return files;
    }

    @ParameterizedTest(name = "{0}: gitlab claims pass through and are all known")
    @MethodSource("gitlabCiTokens")
    void gitlabClaimsPassThrough(String file) {
        Map<String, Object> raw = RealTokens.claims(file);
        Identity identity = Profile.GITLAB.identify("gitlab", raw);
        assertEquals(raw, identity.claims());
        assertEquals(Optional.of((String) raw.get("project_path")), scalar(identity, "project_path"));
        assertTrue(Set.of("true", "false").contains(scalar(identity, "ref_protected").orElseThrow()));
        assertEquals(Set.of(), unknownTo(Profile.GITLAB, raw));
    }

    @Test
    void gitlabProfileKnowsEveryDocumentedScalarClaim() {
        for (String doc : List.of("docs/gitlab_docs_id_token_payload.txt", "docs/gitlab_docs_older_ci_job_jwt_v2_payload.txt")) {
            Map<String, Object> documented = RealTokens.documented(doc);
            Map<String, Object> scalars = new LinkedHashMap<>();
            documented.forEach((k, v) -> {
                if (!(v instanceof List<?> || v instanceof Map<?, ?>)) {
                    scalars.put(k, v);
                }
            });
            assertTrue(scalars.size() > 15, doc);
            assertEquals(Set.of(), unknownTo(Profile.GITLAB, scalars), doc);
        }
    }

    @Test
    void aNumericGitlabClaimComparesAsItsDigits() {
        Identity identity = Profile.GITLAB.identify("gitlab", RealTokens.documented("docs/gitlab_docs_id_token_payload.txt"));
        assertEquals(Optional.of("1"), scalar(identity, "runner_id"));
        assertInstanceOf(ClaimValue.Structured.class, identity.value(ClaimRef.parse("/user_identities")));
        assertEquals(Optional.of("github"), scalar(identity, "/user_identities/0/provider"));
    }

    // --- Kubernetes ------------------------------------------------------------------------------------------

    static Stream<Arguments> projectedTokens() {
        return Stream.of(
                Arguments.of("kubernetes/vault_k8s_jwtProjectedData.jwt", "086c2f61-dea2-47bb-b5ca-63e63c5c9885"),
                Arguments.of("kubernetes/vault_k8s_jwtProjectedDataExpired.jwt", "34be4d5f-66d3-4a29-beea-ce23e51f9fb8"));
    }

    @ParameterizedTest(name = "{0}: a projected token flattens kubernetes.io")
    @MethodSource("projectedTokens")
    void projectedTokensFlatten(String file, String podUid) {
        Map<String, Object> raw = RealTokens.claims(file);
        Identity identity = Profile.KUBERNETES.identify("cluster", raw);
        assertEquals(Optional.of("default"), scalar(identity, "namespace"));
        assertEquals(Optional.of("default"), scalar(identity, "service_account"));
        assertEquals(Optional.of("77c81ad7-1bea-4d94-9ca5-f5d7f3632331"), scalar(identity, "service_account_uid"));
        assertEquals(Optional.of("vault"), scalar(identity, "pod"));
        assertEquals(Optional.of(podUid), scalar(identity, "pod_uid"));
        assertSame(ClaimValue.MISSING, identity.value(ClaimRef.parse("node")), "this token names no node");
        assertSame(ClaimValue.MISSING, identity.value(ClaimRef.parse("node_uid")));
        assertEquals(Optional.of("system:serviceaccount:default:default"), scalar(identity, "sub"));
        assertEquals(Optional.of("vault"), scalar(identity, "/kubernetes.io/pod/name"), "the raw claim stays reachable");
        assertEquals(raw, identity.raw(), "normalizing never changes the raw claims");
        identity.claims().keySet().stream().filter(k -> !raw.containsKey(k))
                .forEach(derived -> assertTrue(Profile.KUBERNETES.knows(derived), derived));
    }

    @Test
    void theDocumentedProjectedTokenFlattensTheNodeToo() {
        Identity identity = Profile.KUBERNETES.identify("cluster",
                RealTokens.documented("docs/kubernetes_docs_bound_sa_token_payload.txt"));
        assertEquals(Optional.of("kube-system"), scalar(identity, "namespace"));
        assertEquals(Optional.of("coredns"), scalar(identity, "service_account"));
        assertEquals(Optional.of("a087d5a0-e1dd-43ec-93ac-f13d89cd13af"), scalar(identity, "service_account_uid"));
        assertEquals(Optional.of("coredns-69cbfb9798-jv9gn"), scalar(identity, "pod"));
        assertEquals(Optional.of("778a530c-b3f4-47c0-9cd5-ab018fb64f33"), scalar(identity, "pod_uid"));
        assertEquals(Optional.of("127.0.0.1"), scalar(identity, "node"));
        assertEquals(Optional.of("58456cb0-dd00-45ed-b797-5578fdceaced"), scalar(identity, "node_uid"));
        assertEquals(Optional.of("1700081020"), scalar(identity, "/kubernetes.io/warnafter"));
    }

    static Stream<Arguments> legacyTokens() {
        return Stream.of(
                Arguments.of("kubernetes/vault_k8s_jwtData.jwt", "vault-auth", "d77f89bc-9055-11e7-a068-0800276d99bf"),
                Arguments.of("kubernetes/vault_k8s_jwtECDSASigned.jwt", "vault-auth", "d77f89bc-9055-11e7-a068-0800276d99bf"),
                Arguments.of("kubernetes/vault_k8s_jwtBadServiceAccount.jwt", "vault-invalid", "044fd4f1-974d-11e7-9a15-0800276d99bf"));
    }

    @ParameterizedTest(name = "{0}: a legacy token maps kubernetes.io/serviceaccount/* claims")
    @MethodSource("legacyTokens")
    void legacyTokensMap(String file, String serviceAccount, String uid) {
        Map<String, Object> raw = RealTokens.claims(file);
        Identity identity = Profile.KUBERNETES.identify("cluster", raw);
        assertEquals(Optional.of("default"), scalar(identity, "namespace"));
        assertEquals(Optional.of(serviceAccount), scalar(identity, "service_account"));
        assertEquals(Optional.of(uid), scalar(identity, "service_account_uid"));
        assertSame(ClaimValue.MISSING, identity.value(ClaimRef.parse("pod")), "legacy tokens name no pod");
        assertEquals(Optional.of("default"), scalar(identity, "/kubernetes.io~1serviceaccount~1namespace"));
        assertEquals(Optional.of("system:serviceaccount:default:" + serviceAccount), scalar(identity, "sub"));
    }

    @Test
    void aKubernetesTokenWithoutIdentityClaimsDerivesNothing() {
        Identity identity = Profile.KUBERNETES.identify("cluster", Map.of("sub", "x", "kubernetes.io", "not-a-map"));
        assertEquals(Map.of("sub", "x", "kubernetes.io", "not-a-map"), identity.claims());
    }

    @Test
    void profilesAreFoundByTheirPolicyName() {
        assertEquals(Optional.of(Profile.GITHUB), Profile.byId("github"));
        assertEquals(Optional.of(Profile.KUBERNETES), Profile.byId("kubernetes"));
        assertEquals(Optional.empty(), Profile.byId("GitHub"));
        assertEquals("github | gitlab | kubernetes | oidc", Profile.ids());
        assertTrue(Profile.OIDC.knows("anything_at_all"));
        assertEquals("a gitlab issuer", Profile.GITLAB.describe());
    }

    // --- Guards ----------------------------------------------------------------------------------------------

    private static final GuardOptIn NO_OPT_IN = new GuardOptIn(false, Map.of());
    private static final GuardOptIn FLAG = new GuardOptIn(true, Map.of());

    private static GuardOptIn naming(String claim, String... values) {
        return new GuardOptIn(false, Map.of(claim, Set.of(values)));
    }

    private static Map<String, Object> github(String event) {
        Map<String, Object> claims = new HashMap<>(Map.of("repository", "acme/api", "repository_id", "1", "ref", "refs/heads/main"));
        if (event != null) {
            claims.put("event_name", event);
        }
        return claims;
    }

    private static Map<String, Object> gitlab(String project, String jobProject) {
        Map<String, Object> claims = new HashMap<>(Map.of("ref", "main"));
        if (project != null) {
            claims.put("project_path", project);
        }
        if (jobProject != null) {
            claims.put("job_project_path", jobProject);
        }
        return claims;
    }

    static Stream<Arguments> guards() {
        return Stream.of(
                Arguments.of("github push is trusted", Profile.GITHUB, github("push"), NO_OPT_IN, null),
                Arguments.of("github workflow_dispatch is trusted", Profile.GITHUB, github("workflow_dispatch"), NO_OPT_IN, null),
                Arguments.of("github pull_request is trusted (it runs with the fork's identity)", Profile.GITHUB,
                        github("pull_request"), NO_OPT_IN, null),
                Arguments.of("github without event_name is not guarded", Profile.GITHUB, github(null), NO_OPT_IN, null),
                Arguments.of("github pull_request_target is denied", Profile.GITHUB, github("pull_request_target"), NO_OPT_IN, "event_name"),
                Arguments.of("github workflow_run is denied", Profile.GITHUB, github("workflow_run"), NO_OPT_IN, "event_name"),
                Arguments.of("allow-untrusted-triggers admits pull_request_target", Profile.GITHUB,
                        github("pull_request_target"), FLAG, null),
                Arguments.of("allow-untrusted-triggers admits workflow_run", Profile.GITHUB, github("workflow_run"), FLAG, null),
                Arguments.of("naming pull_request_target admits it", Profile.GITHUB, github("pull_request_target"),
                        naming("event_name", "pull_request_target"), null),
                Arguments.of("naming workflow_run in a list admits it", Profile.GITHUB, github("workflow_run"),
                        naming("event_name", "push", "workflow_run"), null),
                Arguments.of("naming pull_request_target does not admit workflow_run", Profile.GITHUB, github("workflow_run"),
                        naming("event_name", "pull_request_target"), "event_name"),
                Arguments.of("naming the event under another claim does not admit it", Profile.GITHUB,
                        github("pull_request_target"), naming("workflow", "pull_request_target"), "event_name"),
                Arguments.of("the github guard is case-sensitive like the claim", Profile.GITHUB,
                        github("pull_request_target"), naming("event_name", "PULL_REQUEST_TARGET"), "event_name"),
                Arguments.of("gitlab same-project pipeline is trusted", Profile.GITLAB,
                        gitlab("acme/api", "acme/api"), NO_OPT_IN, null),
                Arguments.of("gitlab fork pipeline is denied", Profile.GITLAB,
                        gitlab("mallory/api", "acme/api"), NO_OPT_IN, "project_path"),
                Arguments.of("gitlab fork pipeline admitted by allow-untrusted-triggers", Profile.GITLAB,
                        gitlab("mallory/api", "acme/api"), FLAG, null),
                Arguments.of("gitlab fork pipeline admitted by naming the fork in project_path", Profile.GITLAB,
                        gitlab("partner/api", "acme/api"), naming("project_path", "partner/api"), null),
                Arguments.of("naming one fork does not admit another", Profile.GITLAB,
                        gitlab("mallory/api", "acme/api"), naming("project_path", "partner/api"), "project_path"),
                Arguments.of("pinning the project the job runs in does not admit a fork", Profile.GITLAB,
                        gitlab("mallory/api", "acme/api"), naming("job_project_path", "acme/api"), "project_path"),
                Arguments.of("gitlab without job_project_path is not guarded", Profile.GITLAB,
                        gitlab("acme/api", null), NO_OPT_IN, null),
                Arguments.of("the github guard does not apply to gitlab", Profile.GITLAB,
                        Map.of("event_name", "pull_request_target"), NO_OPT_IN, null),
                Arguments.of("the gitlab guard does not apply to github", Profile.GITHUB,
                        Map.of("project_path", "acme/api", "job_project_path", "mallory/api"), NO_OPT_IN, null),
                Arguments.of("kubernetes has no guard", Profile.KUBERNETES,
                        Map.of("event_name", "pull_request_target"), NO_OPT_IN, null),
                Arguments.of("oidc has no guard", Profile.OIDC,
                        Map.of("event_name", "workflow_run", "project_path", "a/b", "job_project_path", "c/d"), NO_OPT_IN, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guards")
    void guards(String sentence, Profile profile, Map<String, Object> claims, GuardOptIn optIn, String deniedOn) {
        Optional<GuardViolation> violation = profile.guard(profile.identify("issuer", claims), optIn);
        assertEquals(Optional.ofNullable(deniedOn), violation.map(GuardViolation::claim));
        violation.ifPresent(v -> {
            assertEquals(claims.get(deniedOn), v.actual());
            assertTrue(v.reason().contains("allow-untrusted-triggers: true"), "the reason says how to opt in: " + v.reason());
        });
    }

    @ParameterizedTest(name = "{0}: the real token is denied once its event becomes pull_request_target")
    @MethodSource("githubIdTokens")
    void realGithubTokensAreGuarded(String file) {
        Map<String, Object> raw = new LinkedHashMap<>(RealTokens.claims(file));
        assertEquals(Optional.empty(), Profile.GITHUB.guard(Profile.GITHUB.identify("github", raw), NO_OPT_IN));
        raw.put("event_name", "pull_request_target");
        Optional<GuardViolation> violation = Profile.GITHUB.guard(Profile.GITHUB.identify("github", raw), NO_OPT_IN);
        assertTrue(violation.isPresent());
        assertTrue(violation.get().reason().startsWith("untrusted trigger: pull_request_target"), violation.get().reason());
    }

    @Test
    void aGitlabForkReasonNamesBothProjects() {
        GuardViolation violation = Profile.GITLAB.guard(
                Profile.GITLAB.identify("gitlab", gitlab("acme/api", "mallory/api")), NO_OPT_IN).orElseThrow();
        assertTrue(violation.reason().contains("mallory/api") && violation.reason().contains("acme/api"), violation.reason());
    }
}
