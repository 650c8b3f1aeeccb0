package dev.keyway.deploy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.keyway.deploy.Chart.Yamls.at;
import static dev.keyway.deploy.Chart.Yamls.map;
import static dev.keyway.deploy.Chart.Yamls.maps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every rendered object checked against the Kubernetes API's own OpenAPI definitions, through the
 * models of the official Java client (io.kubernetes:client-java-api, generated from the
 * Kubernetes 1.32 OpenAPI spec): unknown or misspelt fields at any depth, missing required
 * fields, values of the wrong JSON type, and unparsable quantities are all rejected.
 *
 * <p>Not covered: server-side rules beyond the OpenAPI spec (name formats, label value syntax,
 * immutable fields) and the ServiceMonitor, a CRD the client has no model for (its fields are
 * asserted in FeatureManifestsTest).
 */
class KubernetesOpenApiTest {

    static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "networking.k8s.io/v1/Ingress", V1Ingress.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

    static final String NO_MODEL = "monitoring.coreos.com/v1/ServiceMonitor";

    static Stream<Arguments> renderings() {
        List<Arguments> all = new ArrayList<>();
        for (String set : List.of("minimal", "production", "demo")) {
            all.add(Arguments.of(set, Chart.ci(set)));
        }
        all.add(Arguments.of("production, Redis URI from a Secret, every option", Chart.with(Chart.ci("production"),
                "store.redis.uri", "",
                "store.redis.passwordKey", "",
                "store.redis.uriKey", "uri",
                "autoscaling.targetMemoryUtilizationPercentage", 80,
                "autoscaling.behavior", Map.of("scaleDown", Map.of("stabilizationWindowSeconds", 300)),
                "networkPolicy.egress.dns.to", List.of(Map.of("namespaceSelector", Map.of(), "podSelector", Map.of("matchLabels", Map.of("k8s-app", "kube-dns")))),
                "networkPolicy.egress.extra", List.of(Map.of("ports", List.of(Map.of("port", 8200, "protocol", "TCP")))),
                "javaToolOptions", "-XX:+UseZGC",
                "env", List.of(Map.of("name", "TZ", "value", "UTC")),
                "extraVolumes", List.of(Map.of("name", "audit", "emptyDir", Map.of())),
                "extraVolumeMounts", List.of(Map.of("name", "audit", "mountPath", "/var/log/keyway")),
                "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "security", "effect", "NoSchedule")),
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "priorityClassName", "high",
                "imagePullSecrets", List.of(Map.of("name", "registry")))));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyRenderedObjectMatchesTheKubernetesApi(String name, Map<String, Object> values) {
        Manifests m = Chart.template(values);
        int checked = 0;
        for (Map<String, Object> object : m.all()) {
            String type = object.get("apiVersion") + "/" + object.get("kind");
            if (type.equals(NO_MODEL)) {
                continue;
            }
            Class<?> model = MODELS.get(type);
            if (model == null) {
                fail("no OpenAPI model for " + type + ": add it to MODELS");
            }
            validate(object, model);
            checked++;
        }
        assertTrue(checked >= 5, "checked " + checked + " objects");
    }

    @Test
    void theFullRenderingHasEveryKindTheChartCanProduce() {
        List<String> kinds = Chart.template(Chart.ci("production")).all().stream()
                .map(o -> o.get("apiVersion") + "/" + o.get("kind"))
                .distinct().sorted().toList();
        List<String> expected = new ArrayList<>(MODELS.keySet());
        expected.add(NO_MODEL);
        assertEquals(expected.stream().sorted().toList(), kinds);
    }

    // Negative controls: the validator really rejects what the API server would.

    @Test
    void aMisspeltFieldDeepInThePodSpecIsRejected() {
        Map<String, Object> deployment = Chart.template(Chart.minimal()).deployment();
        Map<String, Object> container = maps(deployment, "spec", "template", "spec", "containers").get(0);
        container.put("securityContex", container.remove("securityContext"));
        Exception e = assertThrows(Exception.class, () -> validate(deployment, V1Deployment.class));
        assertTrue(String.valueOf(e.getMessage()).contains("securityContex"), e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsRejected() {
        Map<String, Object> deployment = Chart.template(Chart.minimal()).deployment();
        maps(deployment, "spec", "template", "spec", "volumes").get(0).remove("name");
        Exception e = assertThrows(Exception.class, () -> validate(deployment, V1Deployment.class));
        assertTrue(String.valueOf(e.getMessage()).contains("name"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsRejected() {
        Map<String, Object> deployment = Chart.template(Chart.minimal()).deployment();
        maps(deployment, "spec", "template", "spec", "containers").get(0).put("args", "serve");
        Exception e = assertThrows(Exception.class, () -> validate(deployment, V1Deployment.class));
        assertTrue(String.valueOf(e.getMessage()).contains("args"), e.getMessage());
    }

    @Test
    void aBadQuantityIsRejected() {
        Map<String, Object> deployment = Chart.template(Chart.minimal()).deployment();
        Map<String, Object> container = maps(deployment, "spec", "template", "spec", "containers").get(0);
        map(container, "resources", "limits").put("memory", "half a gig");
        Exception e = assertThrows(Exception.class, () -> validate(deployment, V1Deployment.class));
        assertTrue(String.valueOf(e.getMessage()).contains("quantity"), e.getMessage());
    }

    @Test
    void aMisspeltNetworkPolicyFieldIsRejected() {
        Map<String, Object> np = Chart.template(Chart.with(Chart.minimal(), "networkPolicy.enabled", true)).get("NetworkPolicy");
        Map<String, Object> rule = maps(np, "spec", "egress").get(0);
        rule.put("destinations", rule.remove("ports"));
        Exception e = assertThrows(Exception.class, () -> validate(np, V1NetworkPolicy.class));
        assertTrue(String.valueOf(e.getMessage()).contains("destinations"), e.getMessage());
        assertEquals("NetworkPolicy", at(np, "kind"));
    }

    @Test
    void aStringWhereTheApiWantsABooleanOrANumberIsRejected() {
        Map<String, Object> deployment = Chart.template(Chart.minimal()).deployment();
        Map<String, Object> container = maps(deployment, "spec", "template", "spec", "containers").get(0);
        map(container, "securityContext").put("readOnlyRootFilesystem", "true");
        AssertionError e = assertThrows(AssertionError.class, () -> validate(deployment, V1Deployment.class));
        assertTrue(e.getMessage().contains("readOnlyRootFilesystem"), e.getMessage());

        Map<String, Object> again = Chart.template(Chart.minimal()).deployment();
        maps(again, "spec", "template", "spec", "containers").get(0).put("ports", List.of(Map.of("name", "http", "containerPort", "8080")));
        AssertionError port = assertThrows(AssertionError.class, () -> validate(again, V1Deployment.class));
        assertTrue(port.getMessage().contains("containerPort"), port.getMessage());
    }

    /**
     * Validates field names, required fields and JSON types (the generated validateJsonElement),
     * deserializes with the client's own adapters (IntOrString, Quantity, …), and serializes back:
     * the result must equal the input, which catches what Gson would otherwise coerce silently
     * (a string "true" for a boolean, "8080" for an integer).
     */
    static void validate(Map<String, Object> object, Class<?> model) {
        JsonElement json = new Gson().toJsonTree(object);
        Object parsed = JSON.getGson().fromJson(json, model);
        if (parsed == null) {
            throw new AssertionError("nothing parsed");
        }
        JsonElement back = withoutEmpties(JSON.getGson().toJsonTree(parsed));
        json = withoutEmpties(json);
        if (!json.equals(back)) {
            throw new AssertionError(object.get("kind") + " does not survive the round trip through " + model.getSimpleName()
                    + ": " + difference(json, back, ""));
        }
    }

    /** A copy without empty objects and arrays (the models create empty maps for absent ones). */
    static JsonElement withoutEmpties(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject copy = new JsonObject();
            e.getAsJsonObject().entrySet().forEach(entry -> {
                JsonElement v = withoutEmpties(entry.getValue());
                boolean empty = (v.isJsonObject() && v.getAsJsonObject().isEmpty()) || (v.isJsonArray() && v.getAsJsonArray().isEmpty());
                if (!empty) {
                    copy.add(entry.getKey(), v);
                }
            });
            return copy;
        }
        if (e.isJsonArray()) {
            JsonArray copy = new JsonArray();
            e.getAsJsonArray().forEach(v -> copy.add(withoutEmpties(v)));
            return copy;
        }
        return e;
    }

    /** The first place two JSON trees differ, as a path and both values. */
    static String difference(JsonElement a, JsonElement b, String path) {
        if (a.isJsonObject() && b.isJsonObject()) {
            for (String key : a.getAsJsonObject().keySet()) {
                JsonElement other = b.getAsJsonObject().get(key);
                if (other == null) {
                    return path + "/" + key + " is lost";
                }
                if (!a.getAsJsonObject().get(key).equals(other)) {
                    return difference(a.getAsJsonObject().get(key), other, path + "/" + key);
                }
            }
            for (String key : b.getAsJsonObject().keySet()) {
                if (!a.getAsJsonObject().has(key)) {
                    return path + "/" + key + " appears";
                }
            }
        }
        if (a.isJsonArray() && b.isJsonArray() && a.getAsJsonArray().size() == b.getAsJsonArray().size()) {
            for (int i = 0; i < a.getAsJsonArray().size(); i++) {
                if (!a.getAsJsonArray().get(i).equals(b.getAsJsonArray().get(i))) {
                    return difference(a.getAsJsonArray().get(i), b.getAsJsonArray().get(i), path + "/" + i);
                }
            }
        }
        return path + ": " + a + " became " + b;
    }
}
