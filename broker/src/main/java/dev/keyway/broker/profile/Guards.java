package dev.keyway.broker.profile;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.Identity;
import java.util.Optional;
import java.util.Set;

/**
 * Profile guards: triggers that run attacker-controlled code with the target's trust. No peer
 * denies these by default; Keyway does unless the binding opts in explicitly.
 */
final class Guards {

    /** pull_request_target and workflow_run run with the base repository's identity on fork-supplied input. */
    static final Set<String> GITHUB_UNTRUSTED_EVENTS = Set.of("pull_request_target", "workflow_run");

    private static final ClaimRef EVENT_NAME = ClaimRef.parse("event_name");
    private static final ClaimRef PROJECT_PATH = ClaimRef.parse("project_path");
    private static final ClaimRef JOB_PROJECT_PATH = ClaimRef.parse("job_project_path");

    private Guards() {
    }

    static Optional<GuardViolation> none(Identity identity, GuardOptIn optIn) {
        return Optional.empty();
    }

    static Optional<GuardViolation> githubUntrustedTrigger(Identity identity, GuardOptIn optIn) {
        Optional<String> event = identity.value(EVENT_NAME).scalar();
        if (event.isEmpty() || !GITHUB_UNTRUSTED_EVENTS.contains(event.get())
                || optIn.allowUntrustedTriggers() || optIn.names("event_name", event.get())) {
            return Optional.empty();
        }
        return Optional.of(new GuardViolation("event_name", event.get(),
                "untrusted trigger: " + event.get() + " runs fork-controlled code with this repository's identity;"
                        + " name the event in the binding or set allow-untrusted-triggers: true"));
    }

    /**
     * A fork merge-request pipeline running in this project: {@code project_path} names the
     * merge request's source (the fork), {@code job_project_path} the project the job runs in.
     * Opting in means naming the fork itself, in {@code project_path}.
     */
    static Optional<GuardViolation> gitlabForkPipeline(Identity identity, GuardOptIn optIn) {
        Optional<String> project = identity.value(PROJECT_PATH).scalar();
        Optional<String> jobProject = identity.value(JOB_PROJECT_PATH).scalar();
        if (project.isEmpty() || jobProject.isEmpty() || project.equals(jobProject)
                || optIn.allowUntrustedTriggers() || optIn.names("project_path", project.get())) {
            return Optional.empty();
        }
        return Optional.of(new GuardViolation("project_path", project.get(),
                "fork pipeline: code from " + project.get() + " runs in " + jobProject.get()
                        + "; name the fork in project_path or set allow-untrusted-triggers: true"));
    }
}
