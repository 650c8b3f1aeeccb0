package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTestRunnerTest {

    private static final String POLICY = InlinePolicy.GITHUB + InlinePolicy.GITLAB + """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: cluster}
            spec:
              type: kubernetes
              issuer: https://kubernetes.default.svc
              jwks-file: /etc/keyway/cluster.jwks.json
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: deploy}
            spec:
              issuer: github
              match:
                repository_id: "123"
                ref: refs/heads/main
              grant: {type: jwt, audience: vault}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: pods}
            spec:
              issuer: cluster
              match:
                namespace: prod
                service_account: deployer
              grant: {type: jwt, audience: vault}
            ---
            apiVersion: keyway.dev/v1
            kind: PolicyTest
            metadata: {name: suite}
            spec:
              cases:
                - name: main deploys
                  binding: deploy
                  claims: {repository_id: "123", ref: refs/heads/main}
                  expect: allow
                - name: a feature branch is denied
                  binding: deploy
                  claims: {repository_id: "123", ref: refs/heads/feature}
                  expect: deny
                - name: WRONG - a dev branch is expected to deploy
                  binding: deploy
                  claims: {repository_id: "123", ref: refs/heads/dev}
                  expect: allow
                - name: WRONG - main is expected to be denied
                  binding: deploy
                  claims: {repository_id: "123", ref: refs/heads/main}
                  expect: deny
                - name: a gitlab token cannot use a github binding
                  binding: deploy
                  issuer: gitlab
                  claims: {repository_id: "123", ref: refs/heads/main}
                  expect: deny
                - name: WRONG - a gitlab token is expected to use a github binding
                  binding: deploy
                  issuer: gitlab
                  claims: {repository_id: "123", ref: refs/heads/main}
                  expect: allow
                - name: WRONG - pull_request_target is expected to deploy
                  binding: deploy
                  claims: {repository_id: "123", ref: refs/heads/main, event_name: pull_request_target}
                  expect: allow
                - name: a numeric repository_id compares as its digits
                  binding: deploy
                  issuer: github
                  claims: {repository_id: 123, ref: refs/heads/main}
                  expect: allow
                - name: a projected kubernetes token is normalized before matching
                  binding: pods
                  claims:
                    kubernetes.io:
                      namespace: prod
                      serviceaccount: {name: deployer, uid: u-1}
                  expect: allow
            """;

    private static List<PolicyTestRunner.Result> results;

    @BeforeAll
    static void run() {
        results = PolicyTestRunner.run(InlinePolicy.load(POLICY));
    }

    private static PolicyTestRunner.Result result(String name) {
        return results.stream().filter(r -> r.testCase().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void runsEveryCaseInDocumentOrder() {
        assertEquals(9, results.size());
        assertEquals("main deploys", results.get(0).testCase().name());
        assertEquals("suite", results.get(0).testCase().suite());
    }

    @ParameterizedTest(name = "{0}: passed={1}, allowed={2}")
    @CsvSource(delimiter = '|', textBlock = """
            main deploys                                                          | true  | true
            a feature branch is denied                                            | true  | false
            WRONG - a dev branch is expected to deploy                            | false | false
            WRONG - main is expected to be denied                                 | false | true
            a gitlab token cannot use a github binding                            | true  | false
            WRONG - a gitlab token is expected to use a github binding            | false | false
            WRONG - pull_request_target is expected to deploy                     | false | false
            a numeric repository_id compares as its digits                        | true  | true
            a projected kubernetes token is normalized before matching            | true  | true
            """)
    void reportsEachVerdict(String name, boolean passed, boolean allowed) {
        PolicyTestRunner.Result result = result(name);
        assertEquals(passed, result.passed(), result::decided);
        assertEquals(allowed, result.allowed(), result::decided);
    }

    @Test
    void aFailingDenialNamesTheConditionThatFailed() {
        assertEquals("ref=refs/heads/dev did not match", result("WRONG - a dev branch is expected to deploy").decided());
    }

    @Test
    void aFailingAllowSaysEveryConditionHeld() {
        assertEquals("all 2 conditions held", result("WRONG - main is expected to be denied").decided());
    }

    @Test
    void anIssuerMismatchIsDeniedWithoutEvaluatingConditions() {
        PolicyTestRunner.Result result = result("WRONG - a gitlab token is expected to use a github binding");
        assertEquals("issuer: token from 'gitlab', binding accepts only 'github'", result.decided());
        assertEquals("gitlab", result.testCase().issuer());
    }

    @Test
    void aGuardDenialNamesTheRule() {
        String decided = result("WRONG - pull_request_target is expected to deploy").decided();
        assertTrue(decided.startsWith("untrusted trigger: pull_request_target"), decided);
    }

    @Test
    void aCaseWithoutAnIssuerUsesTheBindingsIssuer() {
        assertEquals("github", result("main deploys").testCase().issuer());
        assertEquals("cluster", result("a projected kubernetes token is normalized before matching").testCase().issuer());
    }

    @Test
    void casesKeepTheirClaimsAndLocation() {
        PolicyTestCase testCase = result("a numeric repository_id compares as its digits").testCase();
        assertEquals(Map.of("repository_id", 123L, "ref", "refs/heads/main"), new LinkedHashMap<>(testCase.claims()));
        assertEquals(InlinePolicy.FILE, testCase.location().file());
        assertTrue(testCase.location().line() > 40, testCase.location()::toString);
        assertTrue(testCase.expectAllow());
    }
}
