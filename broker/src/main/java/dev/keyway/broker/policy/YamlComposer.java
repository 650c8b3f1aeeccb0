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
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;

/**
 * Builds one file's {@link Node} trees straight from SnakeYAML's parser events. SnakeYAML's own
 * composer built a graph of its nodes first, which was then copied into ours: on a large policy a
 * fifth of the reading time and as many objects again. Nothing is constructed from tags, so a
 * document can never instantiate anything.
 *
 * <p>It also shares what repeats: one String per distinct text and one Location per line. A
 * policy repeats the same keys and values in every document ({@code apiVersion},
 * {@code keyway.dev/v1}, {@code refs/heads/main}), and compiled bindings keep many of these
 * strings for good. An alias is the anchored node itself (trees are immutable). One instance per
 * file; not thread-safe.
 */
final class YamlComposer {

    /** Aliases to collections, per file: each can repeat a whole subtree, so many are a billion-laughs attack. */
    static final int MAX_COLLECTION_ALIASES = 20;
    /** Collections and scalars nested in each other, per document. */
    static final int MAX_DEPTH = 50;

    /** Thrown when a file cannot be read at all; the whole file is refused. */
    static final class Refused extends RuntimeException {
        private final transient Location location;

        Refused(Location location, String message) {
            super(message, null, false, false);
            this.location = location;
        }

        Location location() {
            return location;
        }
    }

    private final Parser parser;
    private final String file;
    private final Problems problems;
    private final Map<String, String> strings = new HashMap<>();
    private Location[] lines = new Location[64];
    /** The current document's anchors; a collection is present (as {@link #opening}'s marker) while it is being read. */
    private final Map<String, Node> anchors = new HashMap<>();
    /** Markers of the anchored collections being read: an alias back to one of them is a cycle. */
    private final Set<Node> opening = Collections.newSetFromMap(new IdentityHashMap<>());
    private int collectionAliases;
    private int depth;

    YamlComposer(Parser parser, String file, Problems problems) {
        this.parser = parser;
        this.file = file;
        this.problems = problems;
    }

    /** Every document of the file, in order. */
    List<Node> documents() {
        parser.getEvent(); // stream start
        List<Node> documents = new ArrayList<>();
        while (!parser.checkEvent(Event.ID.StreamEnd)) {
            parser.getEvent(); // document start
            documents.add(node());
            parser.getEvent(); // document end
            anchors.clear(); // an anchor is only known within its document
        }
        return documents;
    }

    private Node node() {
        Event event = parser.getEvent();
        if (event instanceof AliasEvent alias) {
            return alias(alias);
        }
        if (++depth > MAX_DEPTH) {
            throw new Refused(location(event.getStartMark()), "nested more than " + MAX_DEPTH + " levels deep");
        }
        Node node = event instanceof ScalarEvent scalar ? scalar(scalar) : collection((CollectionStartEvent) event);
        depth--;
        return node;
    }

    private Node scalar(ScalarEvent event) {
        Node node = new Node.Scalar(text(event.getValue()), CoreSchema.scalarType(tag(event), event.getValue()),
                location(event.getStartMark()));
        anchor(event, node);
        return node;
    }

    private Node collection(CollectionStartEvent event) {
        tag(event); // refuses global tags; a collection's tag changes nothing
        Location location = location(event.getStartMark());
        Node marker = null;
        if (event.getAnchor() != null) {
            marker = new Node.Scalar("", Node.Scalar.ScalarType.NULL, location);
            opening.add(marker);
            anchors.put(event.getAnchor(), marker);
        }
        Node node = event instanceof MappingStartEvent ? mapping(location) : sequence(location);
        if (marker != null) {
            opening.remove(marker);
            anchors.replace(event.getAnchor(), marker, node); // unless the collection itself anchored the name again
        }
        return node;
    }

    private Node sequence(Location location) {
        List<Node> items = new ArrayList<>();
        while (!parser.checkEvent(Event.ID.SequenceEnd)) {
            items.add(node());
        }
        parser.getEvent();
        return new Node.Sequence(items, location);
    }

    private Node mapping(Location location) {
        Node.Mapping.Builder entries = new Node.Mapping.Builder(4);
        while (!parser.checkEvent(Event.ID.MappingEnd)) {
            String key;
            Location keyLocation;
            if (parser.peekEvent() instanceof ScalarEvent scalar && scalar.getAnchor() == null) {
                // Most keys: text and line only, no node (a mapping holds its keys as strings).
                parser.getEvent();
                key = text(scalar.getValue());
                keyLocation = location(scalar.getStartMark());
                boolean merge = (scalar.getTag() != null || key.equals("<<")) && Tag.MERGE.equals(tag(scalar));
                if (merge) {
                    node(); // the value, unread
                    problems.error(keyLocation, "merge keys (<<) are not supported; repeat the entries");
                    continue;
                }
            } else {
                keyLocation = location(parser.peekEvent().getStartMark()); // an alias's own line, not its anchor's
                if (!(node() instanceof Node.Scalar scalar)) { // an anchored key, an alias or a collection
                    node();
                    problems.error(keyLocation, "mapping keys must be plain strings");
                    continue;
                }
                key = scalar.text();
            }
            Node value = node();
            Location first = entries.keyLocation(key);
            if (first != null) {
                problems.error(keyLocation, "duplicate key '" + key + "' (first at line " + first.line() + ")");
            } else {
                entries.put(key, keyLocation, value);
            }
        }
        parser.getEvent();
        return entries.build(location);
    }

    private Node alias(AliasEvent event) {
        Node node = anchors.get(event.getAnchor());
        if (node == null) {
            throw new Refused(location(event.getStartMark()), "found undefined alias " + event.getAnchor());
        }
        if (opening.contains(node)) {
            problems.error(node.location(), "recursive alias: a collection cannot contain itself");
            return new Node.Scalar("", Node.Scalar.ScalarType.NULL, node.location());
        }
        if (!(node instanceof Node.Scalar) && ++collectionAliases > MAX_COLLECTION_ALIASES) {
            throw new Refused(location(event.getStartMark()), "more than " + MAX_COLLECTION_ALIASES
                    + " aliases to collections in one file");
        }
        return node;
    }

    private void anchor(NodeEvent event, Node node) {
        if (event.getAnchor() != null) {
            anchors.put(event.getAnchor(), node); // a later anchor of the same name replaces it, as YAML says
        }
    }

    /** The scalar's tag: the core schema's for a plain untagged one, else the one written. */
    private Tag tag(ScalarEvent event) {
        String tag = event.getTag();
        if (tag == null || tag.equals("!")) {
            return event.getImplicit().canOmitTagInPlainScalar() ? CoreSchema.plainTag(event.getValue()) : Tag.STR;
        }
        return explicitTag(tag, event.getStartMark());
    }

    private void tag(CollectionStartEvent event) {
        if (event.getTag() != null && !event.getTag().equals("!")) {
            explicitTag(event.getTag(), event.getStartMark());
        }
    }

    /** A tag outside YAML's own and local ones names a type to construct: SnakeYAML refuses those too. */
    private Tag explicitTag(String tag, Mark mark) {
        Tag explicit = new Tag(tag);
        if (explicit.isCustomGlobal()) {
            throw new Refused(location(mark), "Global tag is not allowed: " + tag);
        }
        return explicit;
    }

    private String text(String text) {
        String shared = strings.putIfAbsent(text, text);
        return shared != null ? shared : text;
    }

    private Location location(Mark mark) {
        int line = mark.getLine() + 1;
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
