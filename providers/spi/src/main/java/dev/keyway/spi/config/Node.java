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

    /** Keys keep document order; each key remembers its own line. Keys and values are never null. */
    record Mapping(Map<String, Node> entries, Map<String, Location> keyLocations, Location location)
            implements Node {
        public Mapping {
            // Maps from a Builder are immutable already and kept as they are; anything else is copied.
            entries = FrozenMap.copyOf(entries);
            keyLocations = FrozenMap.copyOf(keyLocations);
        }

        @Override
        public String kind() {
            return "a mapping";
        }

        public Location keyLocation(String key) {
            return keyLocations.getOrDefault(key, location);
        }

        /**
         * Collects a mapping's entries in document order straight into the table the mapping
         * keeps, with no intermediate maps to copy: a large policy reads hundreds of thousands of
         * mappings. One use: {@link #build} hands the table over.
         */
        public static final class Builder {

            /** A row per entry: key, value, key location. */
            private static final int ROW = 3;
            /** Up to this many keys a scan finds duplicates faster than a hash map. */
            private static final int SCAN_LIMIT = 16;

            private Object[] rows;
            private int size;
            /** Key rows, once the mapping is too big to scan for duplicates. */
            private Map<String, Integer> positions;

            public Builder(int expectedSize) {
                rows = new Object[expectedSize * ROW];
            }

            /** Where {@code key} was added, or null when it was not. */
            public Location keyLocation(String key) {
                int row = row(key);
                return row < 0 ? null : (Location) rows[row * ROW + 2];
            }

            /** Adds an entry; a key already added is an IllegalArgumentException. */
            public Builder put(String key, Location keyLocation, Node value) {
                java.util.Objects.requireNonNull(key, "key");
                java.util.Objects.requireNonNull(keyLocation, "keyLocation");
                java.util.Objects.requireNonNull(value, "value");
                if (row(key) >= 0) {
                    throw new IllegalArgumentException("duplicate key '" + key + "'");
                }
                if ((size + 1) * ROW > rows.length) {
                    rows = java.util.Arrays.copyOf(rows, Math.max(4, size * 2) * ROW);
                }
                rows[size * ROW] = key;
                rows[size * ROW + 1] = value;
                rows[size * ROW + 2] = keyLocation;
                if (positions != null) {
                    positions.put(key, size);
                } else if (size == SCAN_LIMIT) {
                    positions = new java.util.HashMap<>();
                    for (int row = 0; row <= size; row++) {
                        positions.put((String) rows[row * ROW], row);
                    }
                }
                size++;
                return this;
            }

            @SuppressWarnings("unchecked")
            public Mapping build(Location location) {
                Object[] table = size * ROW == rows.length ? rows : java.util.Arrays.copyOf(rows, size * ROW);
                rows = null; // the table now belongs to the mapping
                List<FrozenMap<?>> columns = FrozenMap.columns(table, ROW);
                return new Mapping((Map<String, Node>) columns.get(0), (Map<String, Location>) columns.get(1), location);
            }

            private int row(String key) {
                if (positions != null) {
                    return positions.getOrDefault(key, -1);
                }
                for (int row = 0; row < size; row++) {
                    if (rows[row * ROW].equals(key)) {
                        return row;
                    }
                }
                return -1;
            }
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
