package dev.keyway.broker.profile;

import java.util.Map;

/** How each platform's claims become the flat names policy uses. */
final class Normalizers {

    /** Legacy secret-based service-account tokens carry flat, slash-named claims. */
    private static final String LEGACY = "kubernetes.io/serviceaccount/";

    private Normalizers() {
    }

    /** GitHub, GitLab and generic OIDC claims are already flat: nothing to derive. */
    static void topLevel(Map<String, Object> raw, Map<String, Object> normalized) {
    }

    /**
     * Projected service-account tokens nest identity under {@code kubernetes.io}; flatten it so
     * policy reads {@code namespace}, {@code service_account}, ... as for legacy tokens.
     */
    static void kubernetes(Map<String, Object> raw, Map<String, Object> normalized) {
        if (raw.get("kubernetes.io") instanceof Map<?, ?> k8s) {
            put(normalized, "namespace", k8s.get("namespace"));
            nested(normalized, k8s.get("serviceaccount"), "service_account");
            nested(normalized, k8s.get("pod"), "pod");
            nested(normalized, k8s.get("node"), "node");
            return;
        }
        put(normalized, "namespace", raw.get(LEGACY + "namespace"));
        put(normalized, "service_account", raw.get(LEGACY + "service-account.name"));
        put(normalized, "service_account_uid", raw.get(LEGACY + "service-account.uid"));
    }

    private static void nested(Map<String, Object> normalized, Object object, String prefix) {
        if (object instanceof Map<?, ?> map) {
            put(normalized, prefix, map.get("name"));
            put(normalized, prefix + "_uid", map.get("uid"));
        }
    }

    private static void put(Map<String, Object> normalized, String name, Object value) {
        if (value != null) {
            normalized.put(name, value);
        }
    }
}
