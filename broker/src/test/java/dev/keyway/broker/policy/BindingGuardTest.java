package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.keyway.broker.profile.Profile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Profile guards as a binding written in YAML sees them: how policy opts in, and what does not count. */
class BindingGuardTest {

    private static Binding github(String extraSpec, String extraMatch) {
        return InlinePolicy.load(InlinePolicy.GITHUB + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: b}
                spec:
                  issuer: github
                %s  match:
                    repository_id: "1"
                %s  grant: {type: jwt, audience: vault}
                """.formatted(extraSpec, extraMatch)).binding("b").orElseThrow();
    }

    private static Binding gitlab(String extraSpec, String extraMatch) {
        return InlinePolicy.load(InlinePolicy.GITLAB + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: b}
                spec:
                  issuer: gitlab
                %s  match:
                    job_project_path: acme/api
                %s  grant: {type: jwt, audience: vault}
                """.formatted(extraSpec, extraMatch)).binding("b").orElseThrow();
    }

    private static Decision githubEvent(Binding binding, String event) {
        Map<String, Object> claims = new HashMap<>(Map.of("repository_id", "1"));
        claims.put("event_name", event);
        return binding.evaluate(Profile.GITHUB.identify("github", claims));
    }

    /** A job running in acme/api whose code comes from {@code sourceProject} (GitLab 18.4+ claims). */
    private static Decision gitlabJob(Binding binding, String sourceProject) {
        return binding.evaluate(Profile.GITLAB.identify("gitlab",
                Map.of("project_path", sourceProject, "job_project_path", "acme/api")));
    }

    static Stream<Arguments> github() {
        String flag = "  allow-untrusted-triggers: true\n";
        return Stream.of(
                Arguments.of("push passes a plain binding", "", "", "push", true),
                Arguments.of("pull_request_target is denied by a plain binding", "", "", "pull_request_target", false),
                Arguments.of("workflow_run is denied by a plain binding", "", "", "workflow_run", false),
                Arguments.of("allow-untrusted-triggers admits pull_request_target", flag, "", "pull_request_target", true),
                Arguments.of("allow-untrusted-triggers admits workflow_run", flag, "", "workflow_run", true),
                Arguments.of("allow-untrusted-triggers: false admits nothing", "  allow-untrusted-triggers: false\n", "",
                        "workflow_run", false),
                Arguments.of("naming the event exactly admits it", "", "    event_name: pull_request_target\n",
                        "pull_request_target", true),
                Arguments.of("naming the event in a list admits it", "", "    event_name: [push, workflow_run]\n",
                        "workflow_run", true),
                Arguments.of("a glob that happens to match does not admit it", "",
                        "    event_name: {glob: \"pull_request*\"}\n", "pull_request_target", false),
                Arguments.of("a regex that happens to match does not admit it", "",
                        "    event_name: {regex: \".*\"}\n", "workflow_run", false),
                Arguments.of("a not that happens to match does not admit it", "", "    event_name: {not: push}\n",
                        "workflow_run", false),
                Arguments.of("a list item glob does not admit it", "", "    event_name: [push, {glob: \"workflow_*\"}]\n",
                        "workflow_run", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("github")
    void githubGuard(String sentence, String extraSpec, String extraMatch, String event, boolean allowed) {
        Decision decision = githubEvent(github(extraSpec, extraMatch), event);
        assertEquals(allowed, decision.allowed(), decision::toString);
    }

    static Stream<Arguments> gitlab() {
        return Stream.of(
                Arguments.of("a pipeline in the project itself passes", "", "", "acme/api", true),
                Arguments.of("a fork pipeline is denied", "", "", "mallory/api", false),
                Arguments.of("allow-untrusted-triggers admits a fork", "  allow-untrusted-triggers: true\n", "", "mallory/api", true),
                Arguments.of("naming the fork in project_path admits it", "", "    project_path: partner/api\n", "partner/api", true),
                Arguments.of("naming the fork in a project_path list admits it", "", "    project_path: [acme/api, partner/api]\n",
                        "partner/api", true),
                Arguments.of("naming one fork does not admit another", "", "    project_path: [acme/api, partner/api]\n",
                        "mallory/api", false),
                Arguments.of("a glob over forks does not admit them", "", "    project_path: {glob: \"*/api\"}\n",
                        "mallory/api", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gitlab")
    void gitlabGuard(String sentence, String extraSpec, String extraMatch, String sourceProject, boolean allowed) {
        Decision decision = gitlabJob(gitlab(extraSpec, extraMatch), sourceProject);
        assertEquals(allowed, decision.allowed(), decision::toString);
    }

    @Test
    void aGuardDenialIsReportedAfterTheConditionsAndNamesItsRule() {
        Decision decision = githubEvent(github("", ""), "pull_request_target");
        assertEquals(2, decision.conditions().size());
        ConditionResult guard = decision.mismatches().get(0);
        assertEquals(List.of(guard), decision.mismatches(), "the only failure is the guard");
        assertEquals("event_name", guard.claim());
        assertEquals("pull_request_target", guard.actual());
        assertNotNull(guard.rule());
    }
}
