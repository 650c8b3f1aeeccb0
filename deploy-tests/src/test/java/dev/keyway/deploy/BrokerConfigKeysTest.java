package dev.keyway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every keyway.* key the chart writes into keyway.yml is one the broker reads: a misspelt key
 * would be ignored silently by Micronaut and the broker would run on its default. Read from the
 * broker's sources (its @ConfigurationProperties classes and ${keyway.…} placeholders), so this
 * module needs no build of the broker.
 */
class BrokerConfigKeysTest {

    static List<String> sources;

    @BeforeAll
    static void readBrokerSources() throws IOException {
        try (Stream<Path> files = Files.walk(Chart.ROOT.resolve("broker/src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
        assertTrue(sources.size() > 10, "broker sources found: " + sources.size());
    }

    static final Pattern PREFIX = Pattern.compile("@ConfigurationProperties\\(\"([a-z0-9.-]+)\"\\)");

    /** True when some broker source binds this dotted key. */
    static boolean brokerReads(String key) {
        String parent = key.substring(0, key.lastIndexOf('.'));
        String last = key.substring(key.lastIndexOf('.') + 1);
        StringBuilder setter = new StringBuilder("set");
        for (String part : last.split("-")) {
            setter.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        for (String source : sources) {
            if (source.contains("\"" + key + "\"") || source.contains("${" + key + ":") || source.contains("${" + key + "}")) {
                return true;
            }
            if (!source.contains(setter + "(")) {
                continue;
            }
            Matcher m = PREFIX.matcher(source);
            while (m.find()) {
                if (parent.equals(m.group(1)) || parent.endsWith("." + m.group(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    static void leaves(Object node, String path, TreeSet<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> leaves(v, path + "." + k, out));
        } else {
            out.add(path.substring(1));
        }
    }

    static TreeSet<String> renderedKeys(Map<String, Object> values) {
        TreeSet<String> keys = new TreeSet<>();
        leaves(Chart.template(values).config(), "", keys);
        return keys;
    }

    @Test
    void everyKeyTheChartWritesIsOneTheBrokerReads() {
        TreeSet<String> keys = renderedKeys(Chart.with(Chart.ci("production"), "audience", "keyway", "explain", "full"));
        keys.addAll(renderedKeys(Chart.minimal()));
        assertEquals(18, keys.size(), "keys: " + keys);
        List<String> unknown = keys.stream().filter(k -> !brokerReads(k)).toList();
        assertEquals(List.of(), unknown, "keys the broker does not read");
    }

    @Test
    void aMisspeltKeyWouldBeCaught() {
        assertTrue(brokerReads("keyway.store.redis-uri"));
        assertFalse(brokerReads("keyway.store.redis-url"));
        assertFalse(brokerReads("keyway.limits.rate.per-caller"));
        assertFalse(brokerReads("keyway.public-uri"));
    }
}
