package dev.keyway.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.keyway.deploy.Chart.Yamls.at;
import static dev.keyway.deploy.Chart.Yamls.map;
import static dev.keyway.deploy.Chart.Yamls.maps;

/** The objects one {@code helm template} rendered, parsed as YAML. */
record Manifests(List<Map<String, Object>> all) {

    @SuppressWarnings("unchecked")
    static Manifests parse(String helmOutput) {
        List<Map<String, Object>> objects = Chart.Yamls.parseAll(helmOutput).stream()
                .map(doc -> (Map<String, Object>) doc)
                .toList();
        return new Manifests(objects);
    }

    List<String> kinds() {
        return all.stream().map(m -> (String) m.get("kind")).sorted().toList();
    }

    boolean has(String kind) {
        return all.stream().anyMatch(m -> kind.equals(m.get("kind")));
    }

    /** The one object of this kind; fails when there are none or several. */
    Map<String, Object> get(String kind) {
        List<Map<String, Object>> found = all.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", rendered " + found.size() + " (kinds: " + kinds() + ")");
        }
        return found.get(0);
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " (kinds: " + kinds() + ")"));
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return all.stream()
                .filter(m -> kind.equals(m.get("kind")) && name.equals(at(m, "metadata", "name")))
                .findFirst();
    }

    Map<String, Object> deployment() {
        return get("Deployment");
    }

    Map<String, Object> podSpec() {
        return map(deployment(), "spec", "template", "spec");
    }

    Map<String, Object> broker() {
        return container("broker");
    }

    Map<String, Object> container(String name) {
        return maps(podSpec(), "containers").stream()
                .filter(c -> name.equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** The broker's keyway.yml, as rendered into the release's ConfigMap. */
    Map<String, Object> config() {
        return Chart.Yamls.parseMap(configText());
    }

    String configText() {
        return (String) at(get("ConfigMap", Chart.RELEASE), "data", "keyway.yml");
    }

    /** The volume of the pod spec with this name. */
    Map<String, Object> volume(String name) {
        return maps(podSpec(), "volumes").stream()
                .filter(v -> name.equals(v.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** The mount of this container at this path. */
    static Map<String, Object> mountAt(Map<String, Object> container, String path) {
        return maps(container, "volumeMounts").stream()
                .filter(m -> path.equals(m.get("mountPath")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path + " in " + container.get("name")));
    }

    /** The value of an environment variable of the container (null when absent or from a source). */
    static Map<String, Object> env(Map<String, Object> container, String name) {
        Object env = container.get("env");
        if (env == null) {
            return null;
        }
        return maps(container, "env").stream()
                .filter(e -> Objects.equals(name, e.get("name")))
                .findFirst()
                .orElse(null);
    }
}
