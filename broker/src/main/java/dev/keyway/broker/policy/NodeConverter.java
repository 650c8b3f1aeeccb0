package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Converts one file's SnakeYAML nodes to {@link Node} trees, sharing what repeats: one String per
 * distinct text and one Location per line. A policy repeats the same keys and values in every
 * document ({@code apiVersion}, {@code keyway.dev/v1}, {@code refs/heads/main}); read one copy per
 * occurrence, the trees of a large policy were mostly duplicates, and compiled bindings keep many
 * of these strings for good. One instance per file; not thread-safe.
 */
final class NodeConverter {

    private final String file;
    private final Problems problems;
    private final Map<String, String> strings = new HashMap<>();
    private Location[] lines = new Location[64];
    /** The anchored collections on the current path; an alias back to one of them is a cycle. */
    private final Set<org.yaml.snakeyaml.nodes.Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

    NodeConverter(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    Node convert(org.yaml.snakeyaml.nodes.Node node) {
        Location location = location(node);
        if (node instanceof ScalarNode scalar) {
            return new Node.Scalar(text(scalar), CoreSchema.scalarType(scalar), location);
        }
        if (node.getAnchor() == null) {
            return collection(node, location); // only an anchored collection can be reached again through an alias
        }
        if (!open.add(node)) {
            problems.error(location, "recursive alias: a collection cannot contain itself");
            return new Node.Scalar("", Node.Scalar.ScalarType.NULL, location);
        }
        try {
            return collection(node, location);
        } finally {
            open.remove(node);
        }
    }

    private Node collection(org.yaml.snakeyaml.nodes.Node node, Location location) {
        return node instanceof SequenceNode sequence ? sequence(sequence, location) : mapping((MappingNode) node, location);
    }

    private Node sequence(SequenceNode sequence, Location location) {
        List<Node> items = new ArrayList<>(sequence.getValue().size());
        for (org.yaml.snakeyaml.nodes.Node item : sequence.getValue()) {
            items.add(convert(item));
        }
        return new Node.Sequence(items, location);
    }

    private Node mapping(MappingNode mapping, Location location) {
        Node.Mapping.Builder entries = new Node.Mapping.Builder(mapping.getValue().size());
        for (NodeTuple tuple : mapping.getValue()) {
            Location keyLocation = location(tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.error(keyLocation, "mapping keys must be plain strings");
                continue;
            }
            if (Tag.MERGE.equals(keyNode.getTag())) {
                problems.error(keyLocation, "merge keys (<<) are not supported; repeat the entries");
                continue;
            }
            String key = text(keyNode);
            Location first = entries.keyLocation(key);
            if (first != null) {
                problems.error(keyLocation, "duplicate key '" + key + "' (first at line " + first.line() + ")");
                continue;
            }
            entries.put(key, keyLocation, convert(tuple.getValueNode()));
        }
        return entries.build(location);
    }

    private String text(ScalarNode scalar) {
        String text = scalar.getValue();
        String shared = strings.putIfAbsent(text, text);
        return shared != null ? shared : text;
    }

    private Location location(org.yaml.snakeyaml.nodes.Node node) {
        int line = node.getStartMark().getLine() + 1;
        if (line >= lines.length) {
            lines = Arrays.copyOf(lines, Math.max(line + 1, lines.length * 2));
        }
        Location location = lines[line];
        if (location == null) {
            location = new Location(file, line);
            lines[line] = location;
        }
        return location;
    }
}
