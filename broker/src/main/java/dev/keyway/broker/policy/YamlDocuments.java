package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into {@link Node} trees that remember each value's line. Uses SnakeYAML's composer
 * only (no object construction), so a document can never instantiate anything; duplicate keys
 * are reported, not silently overwritten.
 */
final class YamlDocuments {

    private static final int MAX_FILE_CODE_POINTS = 8 * 1024 * 1024;
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL_FLOAT = Pattern.compile("[-+]?(0|[1-9][0-9]*)?\\.[0-9]+([eE][-+]?[0-9]+)?");
    private static final Pattern BOOLEAN = Pattern.compile("true|True|TRUE|false|False|FALSE");

    private YamlDocuments() {
    }

    static List<Node> read(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // we report duplicates ourselves, with both lines
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(MAX_FILE_CODE_POINTS);
        options.setNestingDepthLimit(50);
        Yaml yaml = new Yaml(options);
        List<Node> documents = new ArrayList<>();
        try (Reader reader = new StringReader(text)) {
            for (org.yaml.snakeyaml.nodes.Node root : yaml.composeAll(reader)) {
                if (root != null) {
                    documents.add(convert(file, root, problems, Collections.newSetFromMap(new IdentityHashMap<>())));
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // An unclosed quote or bracket is only noticed at the end of the file: point at where it opened.
            if (e.getContextMark() != null && e.getProblem() != null && e.getProblem().contains("end of stream")) {
                mark = e.getContextMark();
            }
            int line = mark != null ? mark.getLine() + 1 : 0;
            problems.error(new Location(file, line), "not valid YAML: " + firstLine(e.getProblem()));
            return List.of();
        } catch (YAMLException | java.io.IOException e) {
            problems.error(Location.unknown(file), "not valid YAML: " + firstLine(e.getMessage()));
            return List.of();
        }
        return documents;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** {@code open}: the collections on the current path; an alias back to one of them is a cycle. */
    private static Node convert(String file, org.yaml.snakeyaml.nodes.Node node, Problems problems,
                                Set<org.yaml.snakeyaml.nodes.Node> open) {
        Location location = new Location(file, node.getStartMark().getLine() + 1);
        if (node instanceof ScalarNode scalar) {
            return new Node.Scalar(scalar.getValue(), scalarType(scalar), location);
        }
        if (!open.add(node)) {
            problems.error(location, "recursive alias: a collection cannot contain itself");
            return new Node.Scalar("", Node.Scalar.ScalarType.NULL, location);
        }
        try {
            return convertCollection(file, node, location, problems, open);
        } finally {
            open.remove(node);
        }
    }

    private static Node convertCollection(String file, org.yaml.snakeyaml.nodes.Node node, Location location,
                                          Problems problems, Set<org.yaml.snakeyaml.nodes.Node> open) {
        if (node instanceof SequenceNode sequence) {
            List<Node> items = new ArrayList<>();
            for (org.yaml.snakeyaml.nodes.Node item : sequence.getValue()) {
                items.add(convert(file, item, problems, open));
            }
            return new Node.Sequence(items, location);
        }
        MappingNode mapping = (MappingNode) node;
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Location> keyLocations = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Location keyLocation = new Location(file, tuple.getKeyNode().getStartMark().getLine() + 1);
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.error(keyLocation, "mapping keys must be plain strings");
                continue;
            }
            String key = keyNode.getValue();
            if (Tag.MERGE.equals(keyNode.getTag())) {
                problems.error(keyLocation, "merge keys (<<) are not supported; repeat the entries");
                continue;
            }
            if (entries.containsKey(key)) {
                problems.error(keyLocation, "duplicate key '" + key + "' (first at line "
                        + keyLocations.get(key).line() + ")");
                continue;
            }
            entries.put(key, convert(file, tuple.getValueNode(), problems, open));
            keyLocations.put(key, keyLocation);
        }
        return new Node.Mapping(entries, keyLocations, location);
    }

    /**
     * YAML 1.2 core-schema typing on top of SnakeYAML's 1.1 resolver: {@code no}, {@code on},
     * {@code 0123} and {@code 1_000} stay strings (no Norway problem, no octal surprises).
     */
    private static Node.Scalar.ScalarType scalarType(ScalarNode scalar) {
        Tag tag = scalar.getTag();
        String text = scalar.getValue();
        if (Tag.INT.equals(tag)) {
            return DECIMAL_INTEGER.matcher(text).matches() ? Node.Scalar.ScalarType.INTEGER : Node.Scalar.ScalarType.STRING;
        }
        if (Tag.FLOAT.equals(tag)) {
            return DECIMAL_FLOAT.matcher(text).matches() ? Node.Scalar.ScalarType.FLOAT : Node.Scalar.ScalarType.STRING;
        }
        if (Tag.BOOL.equals(tag)) {
            return BOOLEAN.matcher(text).matches() ? Node.Scalar.ScalarType.BOOLEAN : Node.Scalar.ScalarType.STRING;
        }
        if (Tag.NULL.equals(tag)) {
            return Node.Scalar.ScalarType.NULL;
        }
        return Node.Scalar.ScalarType.STRING;
    }
}
