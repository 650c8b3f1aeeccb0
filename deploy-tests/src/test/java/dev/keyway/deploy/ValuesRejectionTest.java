package dev.keyway.deploy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.keyway.deploy.Chart.Yamls.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad values stop {@code helm install}/{@code helm template} before anything reaches the cluster:
 * single values by values.schema.json, combinations by the chart's own checks.
 */
class ValuesRejectionTest {

    /** One value changed from the minimal set, and what helm's message must point at. */
    static Stream<Arguments> schemaRejections() {
        return Stream.of(
                Arguments.of("replicaCount", "two", "/replicaCount"),
                Arguments.of("replicaCount", -1, "/replicaCount"),
                Arguments.of("replicas", 2, "additional properties 'replicas'"),
                Arguments.of("keys.existingSecret", REMOVE, "/keys"),
                Arguments.of("keys.existingSecret", "", "/keys/existingSecret"),
                Arguments.of("keys.existingSecret", "Keyway_Keys", "/keys/existingSecret"),
                Arguments.of("keys.ephemeral", "yes", "/keys/ephemeral"),
                Arguments.of("publicUrl", "", "/publicUrl"),
                Arguments.of("publicUrl", "keyway.example.com", "/publicUrl"),
                Arguments.of("publicUrl", "https://example.com/keyway", "/publicUrl"),
                Arguments.of("publicUrl", "ftp://keyway.example.com", "/publicUrl"),
                Arguments.of("explain", "verbose", "/explain"),
                Arguments.of("store.type", "postgres", "/store/type"),
                Arguments.of("store.onFailure", "allow", "/store/onFailure"),
                Arguments.of("store.commandTimeout", "half a second", "/store/commandTimeout"),
                Arguments.of("store.redis.uri", "redis-cluster://redis:6379", "/store/redis/uri"),
                Arguments.of("store.redis.uri", "redis.example.com:6379", "/store/redis/uri"),
                Arguments.of("audit.sinks", List.of("syslog"), "/audit/sinks/0"),
                Arguments.of("audit.sinks", List.of(), "/audit/sinks"),
                Arguments.of("audit.sinks", List.of("file:relative.log"), "/audit/sinks/0"),
                Arguments.of("limits.rate.perIdentity", "60 per minute", "/limits/rate/perIdentity"),
                Arguments.of("limits.maxTokenBytes", "16k", "/limits/maxTokenBytes"),
                Arguments.of("limits.maxInFlight", -1, "/limits/maxInFlight"),
                Arguments.of("limits.maxQueueWait", "a second", "/limits/maxQueueWait"),
                Arguments.of("policy.reloadInterval", 10, "/policy/reloadInterval"),
                Arguments.of("policy.documents", Map.of("policy.txt", "kind: Binding"), "invalid propertyName 'policy.txt'"),
                Arguments.of("policy.documents", Map.of("../escape.yaml", "kind: Binding"), "invalid propertyName '../escape.yaml'"),
                Arguments.of("image.digest", "latest", "/image/digest"),
                Arguments.of("image.pullPolicy", "Sometimes", "/image/pullPolicy"),
                Arguments.of("cloudIdentity.aws.roleArn", "keyway-role", "/cloudIdentity/aws/roleArn"),
                Arguments.of("cloudIdentity.gcp.serviceAccount", "keyway", "/cloudIdentity/gcp/serviceAccount"),
                Arguments.of("cloudIdentity.azure.clientId", "not-a-guid", "/cloudIdentity/azure/clientId"),
                Arguments.of("service.port", 70000, "/service/port"),
                Arguments.of("service.type", "ExternalName", "/service/type"),
                Arguments.of("containerPort", 80, "/containerPort"),
                Arguments.of("probes.liveness.periodSeconds", "10s", "/probes/liveness/periodSeconds"),
                Arguments.of("autoscaling.maxReplicas", 0, "/autoscaling/maxReplicas"),
                Arguments.of("autoscaling.targetCPUUtilizationPercentage", 150, "/autoscaling/targetCPUUtilizationPercentage"),
                Arguments.of("podDisruptionBudget.maxUnavailable", "half", "/podDisruptionBudget/maxUnavailable"),
                Arguments.of("networkPolicy.egress.https.cidrs", List.of("everywhere"), "/networkPolicy/egress/https/cidrs/0"),
                Arguments.of("networkPolicy.egress.redis.ports", List.of(0), "/networkPolicy/egress/redis/ports/0"),
                Arguments.of("ingress.paths", List.of(Map.of("path", "v1", "pathType", "Prefix")), "/ingress/paths/0/path"),
                Arguments.of("serviceMonitor.interval", "often", "/serviceMonitor/interval"),
                Arguments.of("topologySpread.whenUnsatisfiable", "Never", "/topologySpread/whenUnsatisfiable"),
                Arguments.of("ingress.enabeld", true, "additional properties 'enabeld'"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("schemaRejections")
    void theSchemaRejects(String path, Object value, String pointer) {
        String message = Chart.templateFailure(Chart.with(Chart.minimal(), path, value));
        assertTrue(message.contains("values don't meet the specifications of the schema"), message);
        assertTrue(message.contains(pointer), () -> "expected the message to point at " + pointer + ":\n" + message);
    }

    static Map<String, Object> redis(Object... pathsAndValues) {
        Map<String, Object> values = Chart.with(Chart.minimal(),
                "store.type", "redis",
                "store.redis.uri", "redis://redis:6379/0");
        return Chart.with(values, pathsAndValues);
    }

    /** Combinations the schema cannot express well, with the chart's own message. */
    static Stream<Arguments> combinationRejections() {
        return Stream.of(
                Arguments.of("several replicas on the memory store", Chart.with(Chart.minimal(), "replicaCount", 3),
                        "several replicas (replicaCount > 1 or autoscaling.enabled) need store.type: redis"),
                Arguments.of("autoscaling on the memory store", Chart.with(Chart.minimal(), "autoscaling.enabled", true),
                        "need store.type: redis"),
                Arguments.of("demo keys on several replicas", redis("keys.existingSecret", "", "keys.ephemeral", true, "replicaCount", 2),
                        "keys.ephemeral gives every pod its own throwaway key set"),
                Arguments.of("demo keys and a Secret", Chart.with(Chart.minimal(), "keys.ephemeral", true),
                        "set either keys.existingSecret or keys.ephemeral"),
                Arguments.of("Redis without a URI", redis("store.redis.uri", ""),
                        "store.type: redis needs store.redis.uri"),
                Arguments.of("a password the URI does not use", redis("store.redis.existingSecret", "redis", "store.redis.passwordKey", "password"),
                        "write the password in the URI as ${KEYWAY_REDIS_PASSWORD}"),
                Arguments.of("a password key without a Secret", redis("store.redis.uri", "redis://:${KEYWAY_REDIS_PASSWORD}@redis:6379", "store.redis.passwordKey", "password"),
                        "store.redis.passwordKey needs store.redis.existingSecret"),
                Arguments.of("the redis-stream sink without Redis", Chart.with(Chart.minimal(), "audit.sinks", List.of("redis-stream")),
                        "the redis-stream audit sink needs store.type: redis"),
                Arguments.of("no policy at all", Chart.with(Chart.minimal(), "policy.documents", Map.of()),
                        "no policy: set policy.documents or policy.existingConfigMap"),
                Arguments.of("a disruption budget on one replica", Chart.with(Chart.minimal(), "podDisruptionBudget.enabled", true),
                        "podDisruptionBudget.enabled with a single replica would block node drains"),
                Arguments.of("a disruption budget on an autoscaler that may go down to one",
                        redis("podDisruptionBudget.enabled", true, "autoscaling.enabled", true, "autoscaling.minReplicas", 1),
                        "podDisruptionBudget.enabled with a single replica would block node drains"),
                Arguments.of("cloud identity on a ServiceAccount the chart does not create",
                        Chart.with(Chart.minimal(), "serviceAccount.create", false, "cloudIdentity.aws.roleArn", "arn:aws:iam::123456789012:role/keyway"),
                        "with serviceAccount.create: false annotate your own ServiceAccount"),
                Arguments.of("fewer max than min replicas", redis("autoscaling.enabled", true, "autoscaling.minReplicas", 4, "autoscaling.maxReplicas", 2),
                        "autoscaling.maxReplicas must be at least autoscaling.minReplicas"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinationRejections")
    void theChartRejects(String what, Map<String, Object> values, String expected) {
        String message = Chart.templateFailure(values);
        assertTrue(message.contains(expected), () -> "expected \"" + expected + "\" in:\n" + message);
    }

    /** The counterparts of the rejections above that are fine, so the rules are not too broad. */
    @Test
    void theNeighbouringGoodValuesRender() {
        assertEquals(3, Chart.Yamls.at(Chart.template(redis("replicaCount", 3)).deployment(), "spec", "replicas"));
        Chart.template(Chart.with(Chart.ci("demo"), "replicaCount", 1));
        Chart.template(redis("store.redis.uri", "redis://:${KEYWAY_REDIS_PASSWORD}@redis:6379",
                "store.redis.existingSecret", "redis", "store.redis.passwordKey", "password"));
        Chart.template(redis("audit.sinks", List.of("redis-stream")));
        Chart.template(Chart.with(Chart.minimal(), "policy.documents", Map.of(), "policy.existingConfigMap", "acme-policy"));
        Chart.template(Chart.with(Chart.minimal(), "publicUrl", "https://keyway.example.com:8443/"));
        Chart.template(Chart.with(Chart.minimal(), "audit.sinks", List.of("file:/var/log/keyway/audit.jsonl")));
        Chart.template(Chart.with(Chart.minimal(), "limits.rate.perIdentity", "off", "store.commandTimeout", "PT0.5S"));
        Chart.template(Chart.with(Chart.minimal(), "replicaCount", 0));
        Chart.template(redis("podDisruptionBudget.enabled", true, "autoscaling.enabled", true, "autoscaling.minReplicas", 2));
        Chart.template(Chart.with(Chart.minimal(), "serviceAccount.create", false, "serviceAccount.name", "keyway-broker"));
    }
}
