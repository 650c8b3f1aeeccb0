package dev.keyway.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static dev.keyway.deploy.Chart.Yamls.at;
import static dev.keyway.deploy.Chart.Yamls.find;
import static dev.keyway.deploy.Chart.Yamls.map;
import static dev.keyway.deploy.Chart.Yamls.maps;
import static dev.keyway.deploy.Manifests.env;
import static dev.keyway.deploy.Manifests.mountAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each optional feature switched on, one at a time, on top of the minimal values. */
class FeatureManifestsTest {

    static Map<String, Object> minimal(Object... pathsAndValues) {
        return Chart.with(Chart.minimal(), pathsAndValues);
    }

    /** Minimal values plus a Redis store, so several replicas are allowed. */
    static Map<String, Object> withRedis(Object... pathsAndValues) {
        Map<String, Object> values = Chart.with(Chart.minimal(),
                "store.type", "redis",
                "store.redis.uri", "redis://redis-master.redis.svc:6379/0");
        return Chart.with(values, pathsAndValues);
    }

    // ---- Ingress ----

    @Test
    void routesOnlyTheApiAndTheIssuerDocumentsOfThePublicHost() {
        Manifests m = Chart.template(minimal("ingress.enabled", true, "ingress.className", "nginx"));
        Map<String, Object> ingress = m.get("Ingress");
        assertEquals("nginx", at(ingress, "spec", "ingressClassName"));
        Map<String, Object> rule = maps(ingress, "spec", "rules").get(0);
        assertEquals("keyway.example.com", rule.get("host"), "host defaults to publicUrl's");
        List<Map<String, Object>> paths = maps(rule, "http", "paths");
        assertEquals(List.of("/.well-known", "/v1"), paths.stream().map(p -> p.get("path")).toList(),
                "/health and /prometheus stay inside the cluster");
        for (Map<String, Object> path : paths) {
            assertEquals("Prefix", path.get("pathType"));
            assertEquals(Map.of("name", Chart.RELEASE, "port", Map.of("name", "http")), at(path, "backend", "service"));
        }
        Map<String, Object> tls = maps(ingress, "spec", "tls").get(0);
        assertEquals(List.of("keyway.example.com"), tls.get("hosts"));
        assertEquals("keyway-tls", tls.get("secretName"));
    }

    @Test
    void hostTlsSecretAndAnnotationsCanBeSet() {
        Manifests m = Chart.template(minimal(
                "ingress.enabled", true,
                "ingress.host", "id.acme.example",
                "ingress.tls.secretName", "acme-wildcard",
                "ingress.annotations", Map.of("cert-manager.io/cluster-issuer", "letsencrypt")));
        Map<String, Object> ingress = m.get("Ingress");
        assertEquals("id.acme.example", at(ingress, "spec", "rules", 0, "host"));
        assertEquals("acme-wildcard", at(ingress, "spec", "tls", 0, "secretName"));
        assertEquals("letsencrypt", at(ingress, "metadata", "annotations", "cert-manager.io/cluster-issuer"));
    }

    @Test
    void tlsCanBeLeftToTheLoadBalancer() {
        Manifests m = Chart.template(minimal("ingress.enabled", true, "ingress.tls.enabled", false));
        assertNull(find(m.get("Ingress"), "spec", "tls"));
    }

    // ---- HorizontalPodAutoscaler ----

    @Test
    void theAutoscalerOwnsTheReplicaCount() {
        Manifests m = Chart.template(withRedis("autoscaling.enabled", true, "autoscaling.minReplicas", 3, "autoscaling.maxReplicas", 9));
        assertFalse(map(m.deployment(), "spec").containsKey("replicas"), "a fixed replicas would fight the HPA on every upgrade");
        Map<String, Object> hpa = m.get("HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.get("apiVersion"));
        assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", Chart.RELEASE), at(hpa, "spec", "scaleTargetRef"));
        assertEquals(3, at(hpa, "spec", "minReplicas"));
        assertEquals(9, at(hpa, "spec", "maxReplicas"));
        List<Map<String, Object>> metrics = maps(hpa, "spec", "metrics");
        assertEquals(1, metrics.size());
        assertEquals("cpu", at(metrics.get(0), "resource", "name"));
        assertEquals(70, at(metrics.get(0), "resource", "target", "averageUtilization"));
    }

    @Test
    void memoryTargetAndBehaviourAreOptional() {
        Manifests m = Chart.template(withRedis("autoscaling.enabled", true,
                "autoscaling.targetMemoryUtilizationPercentage", 80,
                "autoscaling.behavior", Map.of("scaleDown", Map.of("stabilizationWindowSeconds", 600))));
        Map<String, Object> hpa = m.get("HorizontalPodAutoscaler");
        assertEquals(List.of("cpu", "memory"), maps(hpa, "spec", "metrics").stream().map(x -> at(x, "resource", "name")).toList());
        assertEquals(600, at(hpa, "spec", "behavior", "scaleDown", "stabilizationWindowSeconds"));
    }

    // ---- PodDisruptionBudget ----

    @Test
    void allowsOnePodDownByDefault() {
        Manifests m = Chart.template(withRedis("replicaCount", 3, "podDisruptionBudget.enabled", true));
        Map<String, Object> pdb = m.get("PodDisruptionBudget");
        assertEquals("policy/v1", pdb.get("apiVersion"));
        assertEquals(1, at(pdb, "spec", "maxUnavailable"));
        assertFalse(map(pdb, "spec").containsKey("minAvailable"));
        assertEquals(at(m.deployment(), "spec", "selector", "matchLabels"), at(pdb, "spec", "selector", "matchLabels"));
    }

    @Test
    void minAvailableWinsWhenSet() {
        Manifests m = Chart.template(withRedis("replicaCount", 3, "podDisruptionBudget.enabled", true, "podDisruptionBudget.minAvailable", 2));
        Map<String, Object> spec = map(m.get("PodDisruptionBudget"), "spec");
        assertEquals(2, spec.get("minAvailable"));
        assertFalse(spec.containsKey("maxUnavailable"), "a PDB takes one of the two");
    }

    // ---- NetworkPolicy ----

    static Map<String, Object> policy(Map<String, Object> values) {
        return Chart.template(values).get("NetworkPolicy");
    }

    static List<Object> ports(Map<String, Object> rule) {
        return maps(rule, "ports").stream().map(p -> p.get("port") + "/" + p.get("protocol")).map(Object.class::cast).toList();
    }

    @Test
    void isolatesTheBrokerPodsBothWays() {
        Map<String, Object> np = policy(minimal("networkPolicy.enabled", true));
        assertEquals(List.of("Ingress", "Egress"), at(np, "spec", "policyTypes"));
        assertEquals(Map.of("app.kubernetes.io/name", "keyway", "app.kubernetes.io/instance", Chart.RELEASE),
                at(np, "spec", "podSelector", "matchLabels"));
    }

    @Test
    void ingressReachesOnlyTheBrokerPort() {
        List<Map<String, Object>> ingress = maps(policy(minimal("networkPolicy.enabled", true)), "spec", "ingress");
        assertEquals(1, ingress.size());
        assertEquals(List.of("http/TCP"), ports(ingress.get(0)));
        assertFalse(ingress.get(0).containsKey("from"), "no peers configured: any source may call the API");
    }

    @Test
    void ingressPeersRestrictWhoMayCall() {
        Map<String, Object> peer = Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx")));
        List<Map<String, Object>> ingress = maps(policy(minimal("networkPolicy.enabled", true, "networkPolicy.ingress.from", List.of(peer))), "spec", "ingress");
        assertEquals(List.of(peer), ingress.get(0).get("from"));
    }

    @Test
    void egressIsDnsAndHttpsOnlyWithTheMemoryStore() {
        List<Map<String, Object>> egress = maps(policy(minimal("networkPolicy.enabled", true)), "spec", "egress");
        assertEquals(2, egress.size(), "DNS and HTTPS: " + egress);
        assertEquals(List.of("53/UDP", "53/TCP"), ports(egress.get(0)));
        assertFalse(egress.get(0).containsKey("to"));
        assertEquals(List.of("443/TCP"), ports(egress.get(1)));
        assertEquals(List.of(Map.of("ipBlock", Map.of("cidr", "0.0.0.0/0")), Map.of("ipBlock", Map.of("cidr", "::/0"))),
                egress.get(1).get("to"));
        for (Map<String, Object> rule : egress) {
            assertFalse(ports(rule).contains("6379/TCP"), "no Redis egress without Redis");
            assertFalse(ports(rule).contains("80/TCP"), "no plain http anywhere by default");
        }
    }

    @Test
    void redisEgressGoesToTheConfiguredPeersAndPorts() {
        Map<String, Object> redisPeer = Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "redis")));
        List<Map<String, Object>> egress = maps(policy(withRedis("networkPolicy.enabled", true,
                "networkPolicy.egress.redis.to", List.of(redisPeer))), "spec", "egress");
        Map<String, Object> redis = egress.stream().filter(r -> ports(r).contains("6379/TCP")).findFirst().orElseThrow();
        assertEquals(List.of("6379/TCP", "26379/TCP"), ports(redis), "Redis and Sentinel");
        assertEquals(List.of(redisPeer), redis.get("to"));
    }

    @Test
    void httpsCidrsAndExceptionsAreConfigurablePerAddressFamily() {
        List<Map<String, Object>> egress = maps(policy(minimal("networkPolicy.enabled", true,
                "networkPolicy.egress.https.cidrs", List.of("0.0.0.0/0", "::/0"),
                "networkPolicy.egress.https.except", List.of("10.0.0.0/8", "fd00::/8"),
                "networkPolicy.egress.https.ports", List.of(443, 6443))), "spec", "egress");
        Map<String, Object> https = egress.get(1);
        assertEquals(List.of("443/TCP", "6443/TCP"), ports(https));
        assertEquals(Map.of("cidr", "0.0.0.0/0", "except", List.of("10.0.0.0/8")), at(https, "to", 0, "ipBlock"));
        assertEquals(Map.of("cidr", "::/0", "except", List.of("fd00::/8")), at(https, "to", 1, "ipBlock"),
                "an except outside its cidr is rejected by the API server");
    }

    @Test
    void cloudMetadataAndExtraRulesAreOptIn() {
        Map<String, Object> extra = Map.of("ports", List.of(Map.of("port", 8200, "protocol", "TCP")));
        List<Map<String, Object>> egress = maps(policy(minimal("networkPolicy.enabled", true,
                "networkPolicy.egress.metadata.enabled", true,
                "networkPolicy.egress.extra", List.of(extra))), "spec", "egress");
        assertEquals(4, egress.size());
        Map<String, Object> metadata = egress.get(2);
        assertEquals(List.of("80/TCP"), ports(metadata));
        assertEquals(List.of(Map.of("ipBlock", Map.of("cidr", "169.254.169.254/32")), Map.of("ipBlock", Map.of("cidr", "169.254.170.23/32"))),
                metadata.get("to"));
        assertEquals(extra, egress.get(3));
    }

    // ---- ServiceMonitor ----

    @Test
    void scrapesPrometheusOnTheServicePort() {
        Manifests m = Chart.template(minimal("serviceMonitor.enabled", true, "serviceMonitor.labels", Map.of("release", "kube-prometheus-stack")));
        Map<String, Object> sm = m.get("ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", sm.get("apiVersion"));
        Map<String, Object> endpoint = maps(sm, "spec", "endpoints").get(0);
        assertEquals("http", endpoint.get("port"));
        assertEquals("/prometheus", endpoint.get("path"));
        assertEquals("30s", endpoint.get("interval"));
        assertEquals("kube-prometheus-stack", at(sm, "metadata", "labels", "release"));
        Map<String, Object> serviceLabels = map(m.get("Service"), "metadata", "labels");
        Map<String, Object> selector = map(sm, "spec", "selector", "matchLabels");
        assertTrue(serviceLabels.entrySet().containsAll(selector.entrySet()), "the ServiceMonitor must select the Service");
        assertEquals(List.of(Chart.NAMESPACE), at(sm, "spec", "namespaceSelector", "matchNames"));
        assertEquals("http", at(m.get("Service"), "spec", "ports", 0, "name"), "the endpoint names the Service's port");
    }

    @Test
    void canLiveInPrometheusNamespace() {
        Manifests m = Chart.template(minimal("serviceMonitor.enabled", true, "serviceMonitor.namespace", "monitoring"));
        Map<String, Object> sm = m.get("ServiceMonitor");
        assertEquals("monitoring", at(sm, "metadata", "namespace"));
        assertEquals(List.of(Chart.NAMESPACE), at(sm, "spec", "namespaceSelector", "matchNames"), "still scrapes the release namespace");
    }

    // ---- Redis store ----

    @Test
    void theStoreSectionPointsAtRedis() {
        Manifests m = Chart.template(withRedis("store.onFailure", "allow-without-replay-check", "store.commandTimeout", "250ms", "replicaCount", 3));
        assertEquals(Map.of("type", "redis", "redis-uri", "redis://redis-master.redis.svc:6379/0",
                "on-failure", "allow-without-replay-check", "command-timeout", "250ms"), at(m.config(), "keyway", "store"));
        assertEquals(3, at(m.deployment(), "spec", "replicas"));
    }

    @Test
    void thePasswordComesFromASecretIntoThePlaceholder() {
        Manifests m = Chart.template(withRedis(
                "store.redis.uri", "rediss://:${KEYWAY_REDIS_PASSWORD}@redis.redis.svc:6380/0",
                "store.redis.existingSecret", "keyway-redis",
                "store.redis.passwordKey", "redis-password"));
        assertEquals("rediss://:${KEYWAY_REDIS_PASSWORD}@redis.redis.svc:6380/0", at(m.config(), "keyway", "store", "redis-uri"),
                "the secret never lands in the ConfigMap");
        assertEquals(Map.of("name", "keyway-redis", "key", "redis-password"),
                at(env(m.broker(), "KEYWAY_REDIS_PASSWORD"), "valueFrom", "secretKeyRef"));
        assertFalse(m.configText().contains("redis-password"));
    }

    @Test
    void theWholeUriCanComeFromASecret() {
        Manifests m = Chart.template(withRedis(
                "store.redis.uri", "",
                "store.redis.existingSecret", "keyway-redis",
                "store.redis.uriKey", "uri"));
        assertEquals("${KEYWAY_REDIS_URI}", at(m.config(), "keyway", "store", "redis-uri"));
        assertEquals(Map.of("name", "keyway-redis", "key", "uri"), at(env(m.broker(), "KEYWAY_REDIS_URI"), "valueFrom", "secretKeyRef"));
        assertNull(env(m.broker(), "KEYWAY_REDIS_PASSWORD"));
    }

    @Test
    void sentinelUrisAndTheRedisStreamSinkAndRateLimits() {
        Manifests m = Chart.template(withRedis(
                "store.redis.uri", "redis-sentinel://redis.redis.svc:26379/0#mymaster",
                "audit.sinks", List.of("stdout", "redis-stream"),
                "audit.streamMaxLength", 5000000,
                "limits.rate.perIdentity", "60/m",
                "limits.rate.perBinding", "600/m"));
        Map<String, Object> keyway = map(m.config(), "keyway");
        assertEquals("redis-sentinel://redis.redis.svc:26379/0#mymaster", at(keyway, "store", "redis-uri"));
        assertEquals(List.of("stdout", "redis-stream"), at(keyway, "audit", "sinks"));
        assertEquals(5000000, at(keyway, "audit", "stream-max-length"), "large numbers stay integers, not 5e+06");
        assertEquals(Map.of("per-identity", "60/m", "per-binding", "600/m"), at(keyway, "limits", "rate"));
    }

    @Test
    void overloadLimitsRenderOnlyWhenSetAndAreKeysTheBrokerReads() {
        Map<String, Object> keyway = map(Chart.template(Chart.with(Chart.minimal(),
                "limits.maxInFlight", 256, "limits.maxQueueWait", "500ms", "limits.localConcurrency", 6)).config(), "keyway");
        assertEquals(256, at(keyway, "limits", "max-in-flight"));
        assertEquals("500ms", at(keyway, "limits", "max-queue-wait"));
        assertEquals(6, at(keyway, "limits", "local-concurrency"));
        for (String key : List.of("max-in-flight", "max-queue-wait", "local-concurrency")) {
            assertTrue(BrokerConfigKeysTest.brokerReads("keyway.limits." + key), key);
        }
    }

    // ---- The broker's own cloud identity ----

    @Test
    void awsIrsaAnnotatesTheServiceAccount() {
        Manifests m = Chart.template(minimal("cloudIdentity.aws.roleArn", "arn:aws:iam::123456789012:role/keyway"));
        Map<String, Object> annotations = map(m.get("ServiceAccount"), "metadata", "annotations");
        assertEquals(Map.of("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/keyway",
                "eks.amazonaws.com/sts-regional-endpoints", "true"), annotations);
    }

    @Test
    void gkeWorkloadIdentityAnnotatesTheServiceAccount() {
        Manifests m = Chart.template(minimal("cloudIdentity.gcp.serviceAccount", "keyway@acme.iam.gserviceaccount.com"));
        assertEquals(Map.of("iam.gke.io/gcp-service-account", "keyway@acme.iam.gserviceaccount.com"),
                at(m.get("ServiceAccount"), "metadata", "annotations"));
    }

    @Test
    void azureWorkloadIdentityAnnotatesTheServiceAccountAndLabelsThePods() {
        Manifests m = Chart.template(minimal(
                "cloudIdentity.azure.clientId", "11111111-2222-3333-4444-555555555555",
                "cloudIdentity.azure.tenantId", "66666666-7777-8888-9999-000000000000"));
        assertEquals(Map.of("azure.workload.identity/client-id", "11111111-2222-3333-4444-555555555555",
                "azure.workload.identity/tenant-id", "66666666-7777-8888-9999-000000000000"),
                at(m.get("ServiceAccount"), "metadata", "annotations"));
        assertEquals("true", at(m.deployment(), "spec", "template", "metadata", "labels", "azure.workload.identity/use"),
                "the webhook only injects the token into pods with this label");
    }

    @Test
    void ownServiceAccountAnnotationsAreKeptAndAnExistingAccountCanBeUsed() {
        Manifests m = Chart.template(minimal("serviceAccount.annotations", Map.of("example.com/owner", "platform"),
                "cloudIdentity.gcp.serviceAccount", "keyway@acme.iam.gserviceaccount.com"));
        assertEquals(Set.of("example.com/owner", "iam.gke.io/gcp-service-account"),
                map(m.get("ServiceAccount"), "metadata", "annotations").keySet());
        Manifests existing = Chart.template(minimal("serviceAccount.create", false, "serviceAccount.name", "keyway-broker"));
        assertFalse(existing.has("ServiceAccount"));
        assertEquals("keyway-broker", existing.podSpec().get("serviceAccountName"));
    }

    // ---- Policy sources ----

    @Test
    void anExistingConfigMapReplacesTheChartsOwn() {
        Map<String, Object> values = minimal("policy.existingConfigMap", "acme-policy");
        Manifests m = Chart.template(values);
        assertTrue(m.find("ConfigMap", "keyway-policy").isEmpty());
        assertEquals(List.of("ConfigMap", "Deployment", "Service", "ServiceAccount"), m.kinds());
        Map<String, Object> mount = mountAt(m.broker(), "/etc/keyway/policy");
        assertEquals("acme-policy", at(m.volume((String) mount.get("name")), "configMap", "name"));
    }

    @Test
    void documentsMayBeYamlListsAndJwksFilesJson() {
        Map<String, Object> values = minimal("policy.reloadInterval", "30s");
        Map<String, Object> documents = map(values, "policy", "documents");
        documents.put("gitlab.yaml", List.of(
                Map.of("apiVersion", "keyway.dev/v1", "kind", "Issuer", "metadata", Map.of("name", "gitlab")),
                Map.of("apiVersion", "keyway.dev/v1", "kind", "Binding", "metadata", Map.of("name", "deploy"))));
        documents.put("cluster-jwks.json", Map.of("keys", List.of(Map.of("kty", "EC", "crv", "P-256"))));
        Manifests m = Chart.template(values);
        Map<String, Object> data = map(m.get("ConfigMap", "keyway-policy"), "data");
        assertEquals(Set.of("github.yaml", "gitlab.yaml", "cluster-jwks.json"), data.keySet());
        List<Object> docs = Chart.Yamls.parseAll((String) data.get("gitlab.yaml"));
        assertEquals(List.of("gitlab", "deploy"), docs.stream().map(d -> at(d, "metadata", "name")).toList());
        String jwks = ((String) data.get("cluster-jwks.json")).strip();
        assertTrue(jwks.startsWith("{") && jwks.contains("\"kty\": \"EC\""), jwks);
        assertEquals("30s", at(m.config(), "keyway", "policy", "reload-interval"));
    }

    // ---- Demo keys (keys.ephemeral) ----

    @Test
    void anInitContainerMakesThrowawayKeysInMemory() {
        Manifests m = Chart.template(Chart.ci("demo"));
        Map<String, Object> init = maps(m.podSpec(), "initContainers").get(0);
        String keysDir = (String) at(m.config(), "keyway", "keys", "dir");
        assertEquals(List.of("keys", "init", keysDir), init.get("args"));
        assertEquals(m.broker().get("image"), init.get("image"));
        assertEquals(m.broker().get("securityContext"), init.get("securityContext"), "the init container is as locked down");
        Map<String, Object> initMount = mountAt(init, keysDir);
        assertFalse(Boolean.TRUE.equals(initMount.get("readOnly")));
        Map<String, Object> brokerMount = mountAt(m.broker(), keysDir);
        assertEquals(true, brokerMount.get("readOnly"));
        assertEquals(initMount.get("name"), brokerMount.get("name"));
        Map<String, Object> volume = m.volume((String) brokerMount.get("name"));
        assertEquals("Memory", at(volume, "emptyDir", "medium"), "private keys never touch the node's disk");
        assertFalse(volume.containsKey("secret"));
    }

    // ---- More settings ----

    @Test
    void extraConfigIsDeepMergedOverTheGeneratedFile() {
        Manifests m = Chart.template(minimal(
                "config", Map.of(
                        "keyway", Map.of("explain", "full", "limits", Map.of("max-token-bytes", 32768)),
                        "micronaut", Map.of("server", Map.of("idle-timeout", "30s")))));
        Map<String, Object> config = m.config();
        assertEquals("full", at(config, "keyway", "explain"));
        assertEquals(32768, at(config, "keyway", "limits", "max-token-bytes"));
        assertEquals(65536, at(config, "keyway", "limits", "max-body-bytes"), "siblings survive the merge");
        assertEquals("https://keyway.example.com", at(config, "keyway", "public-url"));
        assertEquals("30s", at(config, "micronaut", "server", "idle-timeout"));
    }

    @Test
    void audienceAndExplainAreRendered() {
        Map<String, Object> keyway = map(Chart.template(minimal("audience", "keyway", "explain", "full")).config(), "keyway");
        assertEquals("keyway", keyway.get("audience"));
        assertEquals("full", keyway.get("explain"));
    }

    @Test
    void aFileAuditSinkGetsItsOwnWritableVolume() {
        Manifests m = Chart.template(minimal(
                "audit.sinks", List.of("stdout", "file:/var/log/keyway/audit.jsonl"),
                "extraVolumes", List.of(Map.of("name", "audit", "emptyDir", Map.of())),
                "extraVolumeMounts", List.of(Map.of("name", "audit", "mountPath", "/var/log/keyway"))));
        assertEquals(List.of("stdout", "file:/var/log/keyway/audit.jsonl"), at(m.config(), "keyway", "audit", "sinks"));
        assertEquals("audit", mountAt(m.broker(), "/var/log/keyway").get("name"));
        assertEquals(Map.of(), at(m.volume("audit"), "emptyDir"));
    }

    @Test
    void aDigestPinsTheImage() {
        String digest = "sha256:" + "ab".repeat(32);
        Manifests m = Chart.template(minimal("image.digest", digest, "image.tag", "ignored", "image.repository", "registry.acme.example/keyway"));
        assertEquals("registry.acme.example/keyway@" + digest, m.broker().get("image"));
    }

    @Test
    void jvmOptionsExtraEnvAndPodMetadataPassThrough() {
        Manifests m = Chart.template(minimal(
                "javaToolOptions", "-XX:+UseZGC",
                "env", List.of(Map.of("name", "TZ", "value", "UTC")),
                "podAnnotations", Map.of("example.com/team", "platform"),
                "podLabels", Map.of("team", "platform")));
        assertEquals("-XX:+UseZGC", env(m.broker(), "JAVA_TOOL_OPTIONS").get("value"));
        assertEquals("UTC", env(m.broker(), "TZ").get("value"));
        assertEquals("platform", at(m.deployment(), "spec", "template", "metadata", "annotations", "example.com/team"));
        assertEquals("platform", at(m.deployment(), "spec", "template", "metadata", "labels", "team"));
    }

    @Test
    void topologySpreadCanBeReplacedOrTurnedOff() {
        Map<String, Object> own = Map.of("topologyKey", "kubernetes.io/hostname", "maxSkew", 1,
                "whenUnsatisfiable", "DoNotSchedule", "labelSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "keyway")));
        Manifests replaced = Chart.template(minimal("topologySpreadConstraints", List.of(own)));
        assertEquals(List.of(own), replaced.podSpec().get("topologySpreadConstraints"));
        Manifests off = Chart.template(minimal("topologySpread.enabled", false));
        assertFalse(off.podSpec().containsKey("topologySpreadConstraints"));
    }

    @Test
    void schedulingHintsPassThrough() {
        Manifests m = Chart.template(minimal(
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "security", "effect", "NoSchedule")),
                "priorityClassName", "system-cluster-critical"));
        assertEquals(Map.of("kubernetes.io/os", "linux"), m.podSpec().get("nodeSelector"));
        assertEquals("security", at(m.podSpec(), "tolerations", 0, "value"));
        assertEquals("system-cluster-critical", m.podSpec().get("priorityClassName"));
    }

    @Test
    void aServicePortOtherThan80IsUsedEverywhere() {
        Manifests m = Chart.template(minimal("service.port", 8443, "ingress.enabled", true));
        assertEquals(8443, at(m.get("Service"), "spec", "ports", 0, "port"));
        assertEquals("http", at(m.get("Ingress"), "spec", "rules", 0, "http", "paths", 0, "backend", "service", "port", "name"));
        assertEquals("http", at(m.get("Service"), "spec", "ports", 0, "targetPort"));
    }
}
