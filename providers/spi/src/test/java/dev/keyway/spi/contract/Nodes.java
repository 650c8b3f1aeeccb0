package dev.keyway.spi.contract;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds located config trees in tests, as the broker's YAML reader would: {@code map("audience", "vault")}. */
public final class Nodes {

    public static final String FILE = "policy.yaml";

    private Nodes() {
    }

    /** Keys and values alternate; a String value becomes a string scalar, a List a sequence of strings. */
    public static Node.Mapping map(Object... keysAndValues) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Location> lines = new HashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            int line = 10 + i / 2;
            entries.put(key, node(keysAndValues[i + 1], line));
            lines.put(key, new Location(FILE, line));
        }
        return new Node.Mapping(entries, lines, new Location(FILE, 9));
    }

    public static Node node(Object value, int line) {
        Location at = new Location(FILE, line);
        if (value instanceof Node n) {
            return n;
        }
        if (value instanceof List<?> list) {
            return new Node.Sequence(list.stream().map(v -> node(v, line)).toList(), at);
        }
        if (value instanceof Boolean b) {
            return new Node.Scalar(b.toString(), Node.Scalar.ScalarType.BOOLEAN, at);
        }
        if (value instanceof Number n) {
            return new Node.Scalar(n.toString(), Node.Scalar.ScalarType.INTEGER, at);
        }
        return new Node.Scalar(String.valueOf(value), Node.Scalar.ScalarType.STRING, at);
    }

    /** A copy of {@code mapping} with one more entry. */
    public static Node.Mapping with(Node.Mapping mapping, String key, Object value) {
        Map<String, Node> entries = new LinkedHashMap<>(mapping.entries());
        Map<String, Location> lines = new HashMap<>(mapping.keyLocations());
        entries.put(key, node(value, 99));
        lines.put(key, new Location(FILE, 99));
        return new Node.Mapping(entries, lines, mapping.location());
    }
}
