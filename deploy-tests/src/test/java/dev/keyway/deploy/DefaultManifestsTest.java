package dev.keyway.deploy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.keyway.deploy.Chart.Yamls.at;
import static dev.keyway.deploy.Chart.Yamls.find;
import static dev.keyway.deploy.Chart.Yamls.list;
import static dev.keyway.deploy.Chart.Yamls.map;
import static dev.keyway.deploy.Chart.Yamls.maps;
import static dev.keyway.deploy.Chart.Yamls.string;
import static dev.keyway.deploy.Manifests.env;
import static dev.keyway.deploy.Manifests.mountAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart with only the required values (helm/keyway/ci/minimal-values.yaml). */
class DefaultManifestsTest {

    static Manifests m;

    @BeforeAll
    static void render() {
        m = Chart.template(Chart.minimal());
    }

    @Test
    void rendersOnlyTheCoreObjects() {
        assertEquals(List.of("ConfigMap", "ConfigMap", "Deployment", "Service", "ServiceAccount"), m.kinds());
    }

    @Test
    void everyObjectIsInTheReleaseNamespaceWithTheStandardLabels() {
        for (Map<String, Object> o : m.all()) {
            assertEquals(Chart.NAMESPACE, at(o, "metadata", "namespace"), () -> o.get("kind") + " namespace");
            Map<String, Object> labels = map(o, "metadata", "labels");
            assertEquals("keyway", labels.get("app.kubernetes.io/name"));
            assertEquals(Chart.RELEASE, labels.get("app.kubernetes.io/instance"));
            assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"));
            assertEquals("0.1.0", labels.get("app.kubernetes.io/version"));
        }
    }

    @Test
    void thePodRunsAsANonRootUserWithTheRuntimeDefaultSeccompProfile() {
        Map<String, Object> pod = map(m.podSpec(), "securityContext");
        assertEquals(true, pod.get("runAsNonRoot"));
        assertTrue((Integer) pod.get("runAsUser") > 0);
        assertTrue((Integer) pod.get("runAsGroup") > 0);
        assertEquals(pod.get("runAsGroup"), pod.get("fsGroup"), "the key Secret is readable through the fsGroup");
        assertEquals("RuntimeDefault", at(pod, "seccompProfile", "type"));
    }

    @Test
    void theContainerIsLockedDown() {
        Map<String, Object> sc = map(m.broker(), "securityContext");
        assertEquals(true, sc.get("readOnlyRootFilesystem"));
        assertEquals(false, sc.get("allowPrivilegeEscalation"));
        assertEquals(false, sc.get("privileged"));
        assertEquals(true, sc.get("runAsNonRoot"));
        assertEquals(List.of("ALL"), list(sc, "capabilities", "drop"));
        assertNull(find(sc, "capabilities", "add"));
        assertEquals("RuntimeDefault", at(sc, "seccompProfile", "type"));
    }

    @Test
    void noHostAccessOfAnyKind() {
        Map<String, Object> pod = m.podSpec();
        for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
            assertNull(pod.get(key), key);
        }
        for (Map<String, Object> volume : maps(pod, "volumes")) {
            assertFalse(volume.containsKey("hostPath"), () -> "hostPath volume " + volume);
        }
        assertEquals(false, pod.get("automountServiceAccountToken"), "the broker never calls the Kubernetes API");
    }

    /** A Service named keyway would otherwise inject KEYWAY_PORT=tcp://…, read by the broker as keyway.port. */
    @Test
    void noServiceLinksLeakKeywayVariablesIntoTheEnvironment() {
        assertEquals(false, m.podSpec().get("enableServiceLinks"));
    }

    @Test
    void probesUseTheMicronautHealthEndpointsOnTheNamedPort() {
        Map<String, Object> c = m.broker();
        assertEquals("/health/liveness", at(c, "livenessProbe", "httpGet", "path"));
        assertEquals("/health/readiness", at(c, "readinessProbe", "httpGet", "path"));
        assertEquals("/health/liveness", at(c, "startupProbe", "httpGet", "path"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertEquals("http", at(c, probe, "httpGet", "port"), probe);
        }
        // The startup probe gives the JVM time before liveness may kill it: at least a minute.
        int startupBudget = (Integer) at(c, "startupProbe", "periodSeconds") * (Integer) at(c, "startupProbe", "failureThreshold");
        assertTrue(startupBudget >= 60, "startup budget " + startupBudget + "s");
        assertEquals(Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"), maps(c, "ports").get(0));
    }

    @Test
    void theBrokerIsStartedWithItsConfigFileAndPort() {
        Map<String, Object> c = m.broker();
        assertEquals(List.of("serve"), c.get("args"));
        assertNull(c.get("command"), "the image's entrypoint (java -jar /app/keyway-broker.jar) runs");
        assertEquals("keyway/keyway-broker:0.1.0", c.get("image"), "tag defaults to the chart's appVersion");
        assertEquals("/etc/keyway/keyway.yml", env(c, "MICRONAUT_CONFIG_FILES").get("value"));
        assertEquals("8080", env(c, "MICRONAUT_SERVER_PORT").get("value"));
        assertTrue(maps(c, "env").stream().noneMatch(e -> ((String) e.get("name")).startsWith("KEYWAY_")),
                "no Redis secrets without Redis");
    }

    @Test
    void theConfigFileIsMountedWhereTheEnvironmentPointsAndReadOnly() {
        Map<String, Object> c = m.broker();
        Map<String, Object> mount = mountAt(c, (String) env(c, "MICRONAUT_CONFIG_FILES").get("value"));
        assertEquals("keyway.yml", mount.get("subPath"));
        assertEquals(true, mount.get("readOnly"));
        assertEquals(Chart.RELEASE, at(m.volume((String) mount.get("name")), "configMap", "name"));
    }

    @Test
    void policyIsADirectoryMountOfThePolicyConfigMapSoReloadsWork() {
        Map<String, Object> c = m.broker();
        String policyDir = (String) list(m.config(), "keyway", "policy", "paths").get(0);
        Map<String, Object> mount = mountAt(c, policyDir);
        assertNull(mount.get("subPath"), "a subPath mount never sees ConfigMap updates");
        assertEquals(true, mount.get("readOnly"));
        assertEquals("keyway-policy", at(m.volume((String) mount.get("name")), "configMap", "name"));
        assertEquals("10s", at(m.config(), "keyway", "policy", "reload-interval"));
    }

    @Test
    void theKeySetComesReadOnlyFromTheExistingSecret() {
        Map<String, Object> c = m.broker();
        String keysDir = string(m.config(), "keyway", "keys", "dir");
        assertEquals("/var/lib/keyway/keys", keysDir);
        Map<String, Object> mount = mountAt(c, keysDir);
        assertEquals(true, mount.get("readOnly"));
        Map<String, Object> secret = map(m.volume((String) mount.get("name")), "secret");
        assertEquals("keyway-keys", secret.get("secretName"));
        assertEquals(0440, secret.get("defaultMode"), "owner and group (fsGroup) read only");
        assertNull(secret.get("items"), "every file of the Secret, so CA files added later appear too");
        assertFalse(m.podSpec().containsKey("initContainers"), "no key generation outside the demo toggle");
        assertFalse(m.has("Secret"), "the chart never creates key material");
    }

    @Test
    void tmpIsTheOnlyWritablePlaceAndIsABoundedEmptyDir() {
        Map<String, Object> c = m.broker();
        Set<String> writable = maps(c, "volumeMounts").stream()
                .filter(mount -> !Boolean.TRUE.equals(mount.get("readOnly")))
                .map(mount -> (String) mount.get("mountPath"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("/tmp"), writable);
        Map<String, Object> tmp = map(m.volume((String) mountAt(c, "/tmp").get("name")), "emptyDir");
        assertEquals("64Mi", tmp.get("sizeLimit"));
    }

    @Test
    void everyMountHasAVolumeAndEveryVolumeIsMounted() {
        Set<String> volumes = maps(m.podSpec(), "volumes").stream().map(v -> (String) v.get("name")).collect(Collectors.toSet());
        Set<String> mounted = new HashSet<>();
        maps(m.broker(), "volumeMounts").forEach(mount -> mounted.add((String) mount.get("name")));
        assertEquals(volumes, mounted);
    }

    @Test
    void theConfigFileCarriesTheValues() {
        Map<String, Object> keyway = map(m.config(), "keyway");
        assertEquals("https://keyway.example.com", keyway.get("public-url"));
        assertFalse(keyway.containsKey("audience"), "audience defaults to public-url in the broker");
        assertEquals("redacted", keyway.get("explain"));
        assertEquals(Map.of("type", "memory", "on-failure", "deny", "command-timeout", "500ms"), keyway.get("store"));
        assertEquals(List.of("stdout"), at(keyway, "audit", "sinks"));
        assertEquals(100000, at(keyway, "audit", "stream-max-length"));
        assertEquals(Map.of("max-token-bytes", 16384, "max-body-bytes", 65536, "clock-skew", "60s"), keyway.get("limits"),
                "no rate limits unless asked for");
        assertEquals("6h", at(keyway, "issuers", "max-key-staleness"));
        assertEquals(Set.of("keyway"), m.config().keySet());
    }

    @Test
    void rollsOutOneNewPodBeforeTakingAnOldOneAway() {
        Map<String, Object> spec = map(m.deployment(), "spec");
        assertEquals(1, spec.get("replicas"));
        assertEquals("RollingUpdate", at(spec, "strategy", "type"));
        assertEquals(1, at(spec, "strategy", "rollingUpdate", "maxSurge"));
        assertEquals(0, at(spec, "strategy", "rollingUpdate", "maxUnavailable"));
    }

    @Test
    void requestsResourcesAndLimitsMemory() {
        Map<String, Object> resources = map(m.broker(), "resources");
        assertEquals("250m", at(resources, "requests", "cpu"));
        assertEquals("512Mi", at(resources, "requests", "memory"));
        assertEquals("512Mi", at(resources, "limits", "memory"));
        assertNull(find(resources, "limits", "cpu"), "no CPU limit: throttling a JVM stalls its GC");
    }

    @Test
    void spreadsReplicasOverZonesAndNodes() {
        List<Map<String, Object>> spread = maps(m.podSpec(), "topologySpreadConstraints");
        assertEquals(List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname"),
                spread.stream().map(s -> s.get("topologyKey")).toList());
        Object selector = at(m.deployment(), "spec", "selector", "matchLabels");
        for (Map<String, Object> s : spread) {
            assertEquals(selector, at(s, "labelSelector", "matchLabels"));
            assertEquals("ScheduleAnyway", s.get("whenUnsatisfiable"));
            assertEquals(List.of("pod-template-hash"), s.get("matchLabelKeys"));
        }
    }

    @Test
    void serviceSelectsThePodsAndTargetsTheNamedPort() {
        Map<String, Object> service = m.get("Service");
        Map<String, Object> selector = map(service, "spec", "selector");
        Map<String, Object> podLabels = map(m.deployment(), "spec", "template", "metadata", "labels");
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "service selector " + selector + " vs " + podLabels);
        assertEquals(selector, at(m.deployment(), "spec", "selector", "matchLabels"));
        Map<String, Object> port = maps(service, "spec", "ports").get(0);
        assertEquals("http", port.get("targetPort"));
        assertEquals(80, port.get("port"));
        assertEquals("ClusterIP", at(service, "spec", "type"));
    }

    @Test
    void theServiceAccountIsTheBrokersOwnAndMountsNoToken() {
        Map<String, Object> sa = m.get("ServiceAccount");
        assertEquals(at(sa, "metadata", "name"), m.podSpec().get("serviceAccountName"));
        assertEquals(false, sa.get("automountServiceAccountToken"));
        assertNull(find(sa, "metadata", "annotations"), "no cloud identity unless configured");
        assertNull(find(m.deployment(), "spec", "template", "metadata", "labels", "azure.workload.identity/use"));
    }

    @Test
    void thePolicyConfigMapHoldsTheDocumentsAsGiven() {
        Map<String, Object> data = map(m.get("ConfigMap", "keyway-policy"), "data");
        assertEquals(Set.of("github.yaml"), data.keySet());
        List<Object> docs = Chart.Yamls.parseAll((String) data.get("github.yaml"));
        assertEquals(List.of("Issuer", "Binding"), docs.stream().map(d -> at(d, "kind")).toList());
        assertEquals("{{repository}}", at(docs.get(1), "spec", "grant", "subject"), "templates pass through untouched");
    }

    @Test
    void aConfigChangeRollsThePodsAndNothingElseDoes() {
        String checksum = string(m.deployment(), "spec", "template", "metadata", "annotations", "checksum/config");
        assertTrue(checksum.matches("[0-9a-f]{64}"), checksum);
        Manifests same = Chart.template(Chart.minimal());
        assertEquals(checksum, at(same.deployment(), "spec", "template", "metadata", "annotations", "checksum/config"));
        Manifests changed = Chart.template(Chart.with(Chart.minimal(), "limits.clockSkew", "30s"));
        assertNotEquals(checksum, at(changed.deployment(), "spec", "template", "metadata", "annotations", "checksum/config"));
        // Policy is re-read live by the broker: a policy edit must not restart it.
        Map<String, Object> edited = Chart.minimal();
        map(edited, "policy", "documents").put("more.yaml", "apiVersion: keyway.dev/v1\nkind: Issuer\n");
        Manifests policyEdit = Chart.template(edited);
        assertTrue(map(policyEdit.get("ConfigMap", "keyway-policy"), "data").containsKey("more.yaml"));
        assertEquals(checksum, at(policyEdit.deployment(), "spec", "template", "metadata", "annotations", "checksum/config"));
    }
}
