package dev.keyway.spi.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Strict reading of one mapping: every getter records the key as known and reports a wrong type
 * with its line; {@link #finish()} reports every key nobody asked for. Errors are collected, never
 * thrown, so a document shows all of its problems at once.
 */
public final class Fields {

    private final Node.Mapping mapping;
    private final FrozenMap<Node> entries;
    private final String what;
    private final Problems problems;
    /** By row of the mapping: whether a getter asked for that key (a set of names cost a large policy's compile dearly). */
    private final boolean[] asked;

    @SuppressWarnings("unchecked")
    public Fields(Node.Mapping mapping, String what, Problems problems) {
        this.mapping = mapping;
        this.entries = (FrozenMap<Node>) mapping.entries(); // a Mapping always holds its entries frozen
        this.what = what;
        this.problems = problems;
        this.asked = new boolean[entries.size()];
    }

    /** Reads {@code node} as a mapping, or reports it and returns an empty one. */
    public static Fields of(Node node, String what, Problems problems) {
        return new Fields(asMapping(node, what, problems), what, problems);
    }

    /** {@code node} itself when it is a mapping; else reported, and an empty mapping at its place. */
    public static Node.Mapping asMapping(Node node, String what, Problems problems) {
        if (node instanceof Node.Mapping m) {
            return m;
        }
        problems.error(node.location(), what + " must be a mapping, not " + node.kind());
        return new Node.Mapping(java.util.Map.of(), java.util.Map.of(), node.location());
    }

    public Location location() {
        return mapping.location();
    }

    public Location location(String key) {
        return mapping.keyLocation(key);
    }

    /** The keys as written, in document order. */
    public List<String> keys() {
        return List.copyOf(mapping.entries().keySet());
    }

    public boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    public Optional<Node> node(String key) {
        int row = entries.row(key);
        if (row < 0) {
            return Optional.empty();
        }
        asked[row] = true;
        return Optional.of(entries.value(row));
    }

    public Optional<Node> requiredNode(String key) {
        Optional<Node> node = node(key);
        if (node.isEmpty()) {
            problems.error(mapping.location(), what + ": missing required field '" + key + "'");
        }
        return node;
    }

    public Optional<String> string(String key) {
        return node(key).flatMap(n -> asString(n, key));
    }

    public Optional<String> requiredString(String key) {
        return requiredNode(key).flatMap(n -> asString(n, key));
    }

    public Optional<Boolean> bool(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Node.Scalar s && s.type() == Node.Scalar.ScalarType.BOOLEAN) {
                return Optional.of((Boolean) s.toJava());
            }
            problems.error(n.location(), what + ": '" + key + "' must be true or false, not " + n.kind());
            return Optional.empty();
        });
    }

    /** A string or a list of strings; a single string reads as a one-element list. */
    public Optional<List<String>> stringList(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof Node.Sequence seq) {
                List<String> out = new ArrayList<>();
                for (Node item : seq.items()) {
                    asString(item, key).ifPresent(out::add);
                }
                if (out.size() != seq.items().size()) {
                    return Optional.empty();
                }
                if (out.isEmpty()) {
                    problems.error(n.location(), what + ": '" + key + "' must not be an empty list");
                    return Optional.empty();
                }
                return Optional.of(List.copyOf(out));
            }
            return asString(n, key).map(List::of);
        });
    }

    public Optional<Duration> duration(String key) {
        return string(key).flatMap(text -> {
            try {
                return Optional.of(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                problems.error(mapping.keyLocation(key), what + ": '" + key + "': " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    public Optional<Fields> mapping(String key) {
        return node(key).map(n -> Fields.of(n, what + "." + key, problems));
    }

    /** Reports each key that no getter asked for: strict loading catches typos like 'audiance'. */
    public void finish() {
        for (int row = 0; row < asked.length; row++) {
            if (!asked[row]) {
                String key = entries.key(row);
                problems.error(mapping.keyLocation(key), what + ": unknown field '" + key + "'");
            }
        }
    }

    private Optional<String> asString(Node node, String key) {
        if (node instanceof Node.Scalar s && s.type() == Node.Scalar.ScalarType.STRING) {
            return Optional.of(s.text());
        }
        problems.error(node.location(), what + ": '" + key + "' must be a string, not " + node.kind());
        return Optional.empty();
    }
}
