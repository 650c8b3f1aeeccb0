package dev.keyway.spi.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed configuration tree that remembers where each value was written. Policy YAML is read
 * into this shape once, so every later check (the broker's and each grant provider's) can report
 * {@code file:line}.
 */
public sealed interface Node {

    Location location();

    /** What the document spelled, for messages: "a string", "a list", ... */
    String kind();

    /** A YAML scalar with the type its plain form resolved to (quoted text is always STRING). */
    record Scalar(String text, ScalarType type, Location location) implements Node {
        public enum ScalarType { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        @Override
        public String kind() {
            return switch (type) {
                case STRING -> "a string";
                case INTEGER, FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
            };
        }

        /** The value as plain Java: String, Long, Double, Boolean or null. */
        public Object toJava() {
            return switch (type) {
                case STRING -> text;
                case INTEGER -> parseInteger(text);
                case FLOAT -> Double.valueOf(text);
                case BOOLEAN -> Boolean.valueOf(text.toLowerCase(java.util.Locale.ROOT));
                case NULL -> null;
            };
        }

        private static Object parseInteger(String text) {
            try {
                return Long.decode(text.replace("_", ""));
            } catch (NumberFormatException tooBig) {
                return new java.math.BigInteger(text.replace("_", ""));
            }
        }
    }

    record Sequence(List<Node> items, Location location) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** Keys keep document order; each key remembers its own line. */
    record Mapping(Map<String, Node> entries, Map<String, Location> keyLocations, Location location)
            implements Node {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keyLocations = Map.copyOf(keyLocations);
        }

        @Override
        public String kind() {
            return "a mapping";
        }

        public Location keyLocation(String key) {
            return keyLocations.getOrDefault(key, location);
        }
    }

    /** Plain Java view (Map, List, String, Long, Double, Boolean, null) for claim sets in tests. */
    static Object toJava(Node node) {
        if (node instanceof Scalar s) {
            return s.toJava();
        }
        if (node instanceof Sequence seq) {
            return seq.items().stream().map(Node::toJava).toList();
        }
        Mapping map = (Mapping) node;
        Map<String, Object> out = new LinkedHashMap<>();
        map.entries().forEach((k, v) -> out.put(k, toJava(v)));
        return out;
    }
}
