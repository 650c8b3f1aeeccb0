package dev.keyway.broker.profile;

import java.util.Set;

/** The claim names each platform documents (CONTRACT §3, plus the documented extras users rely on). */
final class Claims {

    private Claims() {
    }

    static final Set<String> GITHUB = Set.of(
            "repository", "repository_id", "repository_owner", "repository_owner_id", "ref", "ref_type",
            "ref_protected", "sha", "workflow", "workflow_ref", "workflow_sha", "job_workflow_ref",
            "job_workflow_sha", "environment", "environment_node_id", "event_name", "run_id", "run_number",
            "run_attempt", "actor", "actor_id", "runner_environment", "repository_visibility", "enterprise",
            "enterprise_id", "base_ref", "head_ref", "check_run_id");

    static final Set<String> GITLAB = Set.of(
            "project_path", "project_id", "namespace_path", "namespace_id", "job_project_path",
            "job_project_id", "job_namespace_path", "job_namespace_id", "ref", "ref_type", "ref_path",
            "ref_protected", "environment", "environment_protected", "environment_action", "deployment_tier",
            "pipeline_source", "pipeline_id", "ci_config_ref_uri", "ci_config_sha", "job_id", "sha",
            "user_login", "user_id", "user_email", "user_access_level", "runner_id", "runner_environment",
            "project_visibility", "groups_direct");

    static final Set<String> KUBERNETES = Set.of(
            "namespace", "service_account", "service_account_uid", "pod", "pod_uid", "node", "node_uid");
}
