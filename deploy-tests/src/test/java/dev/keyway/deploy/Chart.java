package dev.keyway.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The chart under test (helm/keyway), driven through helm-java, which bundles helm itself: no
 * helm binary, cluster or network is needed.
 */
final class Chart {

    static final Path ROOT = Path.of(System.getProperty("keyway.root", "..")).toAbsolutePath().normalize();
    static final Path DIR = ROOT.resolve("helm/keyway");
    static final String RELEASE = "keyway";
    static final String NAMESPACE = "keyway-system";
    /** helm-java's default capabilities say Kubernetes 1.20; the chart needs 1.27+. */
    static final String KUBE_VERSION = "1.32.0";

    private static final Path WORK;

    static {
        try {
            WORK = Files.createTempDirectory("keyway-chart-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Chart() {
    }

    /** A value set from helm/keyway/ci/NAME-values.yaml (minimal, production, demo). */
    static Map<String, Object> ci(String name) {
        return Yamls.loadMap(DIR.resolve("ci").resolve(name + "-values.yaml"));
    }

    static List<Path> ciFiles() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(f -> f.toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The smallest values a production install needs (publicUrl, keys.existingSecret, a policy). */
    static Map<String, Object> minimal() {
        return ci("minimal");
    }

    /** A copy of {@code values} with the value at the dotted path set (created on the way). */
    static Map<String, Object> with(Map<String, Object> values, String path, Object value) {
        Map<String, Object> copy = Yamls.deepCopy(values);
        Yamls.put(copy, path, value);
        return copy;
    }

    static Map<String, Object> with(Map<String, Object> values, Object... pathsAndValues) {
        Map<String, Object> copy = Yamls.deepCopy(values);
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            Yamls.put(copy, (String) pathsAndValues[i], pathsAndValues[i + 1]);
        }
        return copy;
    }

    static Manifests template(Map<String, Object> values) {
        String out = new Helm(DIR).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(valuesFile(values))
                .call();
        return Manifests.parse(out);
    }

    /** Renders values that must be refused and returns helm's message. */
    static String templateFailure(Map<String, Object> values) {
        Path file = valuesFile(values);
        Exception e = assertThrows(Exception.class, () -> new Helm(DIR).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(file)
                .call(), "helm template should have refused these values");
        return String.valueOf(e.getMessage());
    }

    /** The NOTES.txt helm prints after an install (client-only dry run: no cluster). */
    static String notes(Map<String, Object> values) {
        String output = new Helm(DIR).install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .clientOnly()
                .dryRun()
                .withValuesFile(valuesFile(values))
                .call()
                .getOutput();
        int at = output.indexOf("NOTES:");
        if (at < 0) {
            throw new AssertionError("no NOTES in helm's install output:\n" + output);
        }
        return output.substring(at + "NOTES:".length());
    }

    /**
     * {@code helm lint --strict} of the chart with these values merged over its values.yaml.
     * helm lint only reads the chart's own values.yaml, so the chart is copied and that file
     * replaced; templates, schema and Chart.yaml are the real ones.
     */
    static LintResult lint(Map<String, Object> overrides) {
        Path copy = copyChart();
        Map<String, Object> merged = Yamls.deepMerge(Yamls.loadMap(DIR.resolve("values.yaml")), overrides);
        Yamls.write(copy.resolve("values.yaml"), merged);
        return new Helm(copy).lint().strict().call();
    }

    /** {@code helm lint --strict} of the chart exactly as shipped. */
    static LintResult lintAsShipped() {
        return new Helm(DIR).lint().strict().call();
    }

    private static Path copyChart() {
        try {
            Path target = Files.createTempDirectory(WORK, "chart-").resolve("keyway");
            try (Stream<Path> files = Files.walk(DIR)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path dest = target.resolve(DIR.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(source, dest);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path valuesFile(Map<String, Object> values) {
        try {
            Path file = Files.createTempFile(WORK, "values-", ".yaml");
            Yamls.write(file, values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML in and out, and navigation in parsed YAML. */
    static final class Yamls {

        private Yamls() {
        }

        static Yaml yaml() {
            DumperOptions dump = new DumperOptions();
            dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            return new Yaml(new LoaderOptions(), dump);
        }

        static Map<String, Object> loadMap(Path file) {
            try {
                return parseMap(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> parseMap(String text) {
            Object loaded = yaml().load(text);
            return loaded == null ? new LinkedHashMap<>() : (Map<String, Object>) loaded;
        }

        static List<Object> parseAll(String text) {
            List<Object> docs = new ArrayList<>();
            for (Object doc : yaml().loadAll(text)) {
                if (doc != null) {
                    docs.add(doc);
                }
            }
            return docs;
        }

        static void write(Path file, Map<String, Object> values) {
            try {
                Files.writeString(file, yaml().dump(values));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @SuppressWarnings("unchecked")
        static <T> T deepCopy(T node) {
            if (node instanceof Map<?, ?> map) {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
                return (T) copy;
            }
            if (node instanceof List<?> list) {
                List<Object> copy = new ArrayList<>();
                list.forEach(v -> copy.add(deepCopy(v)));
                return (T) copy;
            }
            return node;
        }

        /** Helm's merge: maps merge key by key, anything else (lists too) is replaced. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over) {
            Map<String, Object> merged = deepCopy(base);
            over.forEach((k, v) -> {
                Object existing = merged.get(k);
                if (existing instanceof Map<?, ?> em && v instanceof Map<?, ?> vm) {
                    merged.put(k, deepMerge((Map<String, Object>) em, (Map<String, Object>) vm));
                } else {
                    merged.put(k, deepCopy(v));
                }
            });
            return merged;
        }

        @SuppressWarnings("unchecked")
        static void put(Map<String, Object> root, String dottedPath, Object value) {
            String[] parts = dottedPath.split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object next = node.get(parts[i]);
                if (!(next instanceof Map)) {
                    next = new LinkedHashMap<String, Object>();
                    node.put(parts[i], next);
                }
                node = (Map<String, Object>) next;
            }
            if (value == REMOVE) {
                node.remove(parts[parts.length - 1]);
            } else {
                node.put(parts[parts.length - 1], value);
            }
        }

        /** Marker for {@link Chart#with}: remove the key. */
        static final Object REMOVE = new Object();

        /** The node at a path of map keys (String) and list indexes (Integer); fails when absent. */
        static Object at(Object node, Object... path) {
            Object current = node;
            StringBuilder walked = new StringBuilder();
            for (Object step : path) {
                walked.append('/').append(step);
                if (step instanceof Integer index && current instanceof List<?> list) {
                    if (index >= list.size()) {
                        throw new AssertionError("no element " + walked + " (list has " + list.size() + ")");
                    }
                    current = list.get(index);
                } else if (current instanceof Map<?, ?> map && map.containsKey(step)) {
                    current = map.get(step);
                } else {
                    throw new AssertionError("no " + walked + " in " + node);
                }
            }
            return current;
        }

        /** Like {@link #at} but null when any step is absent. */
        static Object find(Object node, Object... path) {
            try {
                return at(node, path);
            } catch (AssertionError e) {
                return null;
            }
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> map(Object node, Object... path) {
            return (Map<String, Object>) at(node, path);
        }

        @SuppressWarnings("unchecked")
        static List<Object> list(Object node, Object... path) {
            return (List<Object>) at(node, path);
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> maps(Object node, Object... path) {
            return (List<Map<String, Object>>) at(node, path);
        }

        static String string(Object node, Object... path) {
            return String.valueOf(at(node, path));
        }
    }
}
