package dev.keyway.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy check} and {@code policy test} through the real jar: exit codes and output lines. */
class PolicyCliIT {

    private static final String ISSUER = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: github}
            spec:
              type: github
              issuer: https://token.actions.githubusercontent.com
            """;

    private static final String BINDING = """
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: deploy}
            spec:
              issuer: github
              match:
                repository_id: "42"
                ref: refs/heads/main
              grant:
                type: jwt
                audience: vault
            """;

    @TempDir
    Path dir;

    @Test
    void checkPassesTheDemoPolicy() throws Exception {
        Jar.Run run = Jar.run(Jar.ROOT, "policy", "check", "examples/demo");
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().startsWith("ok: 1 issuers, 2 bindings"), run.out());
    }

    @Test
    void checkReportsEveryErrorWithFileAndLineAndExitsOne() throws Exception {
        Jar.write(dir, "a-issuer.yaml", ISSUER);
        Jar.write(dir, "b-bindings.yaml", BINDING.replace("repository_id", "repo_id") + """
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: other}
                spec:
                  issuer: gitlab
                  match: {ref: main}
                  grant: {type: teleport}
                """);
        Jar.Run run = Jar.run(dir, "policy", "check", ".");
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("./b-bindings.yaml:7: Binding 'deploy': claim 'repo_id' is not a github claim"), run.out());
        assertTrue(run.out().contains("./b-bindings.yaml:17: Binding 'other': issuer 'gitlab' is not defined"), run.out());
        assertTrue(run.out().contains("policy not loaded: 2 errors"), run.out());
    }

    @Test
    void checkWarnsAboutRiskyBindingsButExitsZero() throws Exception {
        Jar.write(dir, "policy.yaml", ISSUER + "---\n" + BINDING.replace("repository_id: \"42\"", "repository: {glob: \"*/api\"}"));
        Jar.Run run = Jar.run(dir, "policy", "check", "policy.yaml");
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("policy.yaml:14: warning: Binding 'deploy': repository {glob: */api} is not pinned to one owner"),
                run.out());
        assertTrue(run.out().contains("warning: Binding 'deploy': matches GitHub repository or owner names without repository_id"),
                run.out());
        assertTrue(run.out().contains("ok: 1 issuers, 1 bindings, 0 test cases (2 warnings)"), run.out());
    }

    @Test
    void testPrintsOneLinePerFailureAndTheTally() throws Exception {
        Jar.write(dir, "policy.yaml", ISSUER + "---\n" + BINDING + """
                ---
                apiVersion: keyway.dev/v1
                kind: PolicyTest
                metadata: {name: deploy}
                spec:
                  cases:
                    - {name: main deploys, binding: deploy, claims: {repository_id: "42", ref: refs/heads/main}, expect: allow}
                    - {name: wrong expectation, binding: deploy, claims: {repository_id: "42", ref: refs/heads/dev}, expect: allow}
                    - {name: other repo denied, binding: deploy, claims: {repository_id: "7", ref: refs/heads/main}, expect: deny}
                """);
        Jar.Run run = Jar.run(dir, "policy", "test", "policy.yaml");
        assertEquals(1, run.exit(), run.out());
        assertEquals(2, run.lines().size(), run.out());
        assertEquals("policy.yaml:26: FAIL deploy / wrong expectation: expected allow, got deny"
                + " (binding deploy: ref=refs/heads/dev did not match)", run.lines().get(0));
        assertEquals("2 passed, 1 failed", run.lines().get(1));
    }

    @Test
    void testExitsZeroWhenAllPass() throws Exception {
        Jar.Run run = Jar.run(Jar.ROOT, "policy", "test", "examples/demo");
        assertEquals(0, run.exit(), run.out());
        assertEquals("5 passed, 0 failed", run.out().strip());
    }

    @Test
    void testRefusesBrokenPolicyBeforeRunningCases() throws Exception {
        Jar.write(dir, "policy.yaml", ISSUER.replace("type: github", "type: bitbucket"));
        Jar.Run run = Jar.run(dir, "policy", "test", "policy.yaml");
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("policy.yaml:5: Issuer 'github': type 'bitbucket' is not one of github | gitlab | kubernetes | oidc"),
                run.out());
    }

    @Test
    void missingPathIsAnErrorNotAnEmptyPolicy() throws Exception {
        Jar.Run run = Jar.run(dir, "policy", "check", "nowhere");
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("nowhere: no such file or directory"), run.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() throws Exception {
        Jar.Run run = Jar.run(dir, "polcy");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("Unmatched argument") || run.err().contains("Unknown"), run.err());
    }
}
