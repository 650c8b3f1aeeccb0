package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the YAML reader guarantees beyond scalar typing ({@link CoreSchemaTest}): cycles, duplicates, sharing. */
class YamlDocumentsTest {

    private static List<String> problems(String yaml) {
        Problems problems = new Problems();
        YamlDocuments.read("t.yaml", yaml, problems);
        return problems.all().stream().map(Problem::toString).toList();
    }

    private static Node.Mapping read(String yaml) {
        Problems problems = new Problems();
        List<Node> documents = YamlDocuments.read("t.yaml", yaml, problems);
        assertEquals(List.of(), problems.all());
        return (Node.Mapping) documents.get(0);
    }

    @Test
    void aCollectionThatContainsItselfIsAnError() {
        assertEquals(List.of("t.yaml:1: recursive alias: a collection cannot contain itself"), problems("a: &x [1, *x]\n"));
        assertEquals(List.of("t.yaml:1: recursive alias: a collection cannot contain itself"), problems("a: &x\n  b: [*x]\n"));
    }

    @Test
    void aliasesToFinishedCollectionsAreFine() {
        Node.Mapping root = read("a: &x [1]\nb: *x\nc: [*x, *x]\n");
        assertEquals(root.entries().get("a"), root.entries().get("b"));
    }

    @Test
    void aDuplicateKeyNamesBothLines() {
        assertEquals(List.of("t.yaml:3: duplicate key 'a' (first at line 1)"), problems("a: 1\nb: 2\na: 3\n"));
    }

    @Test
    void repeatedTextAndLinesAreReadOnce() {
        Node.Mapping root = read("""
                first: {ref: refs/heads/main}
                second: {ref: refs/heads/main}
                """);
        Node.Mapping first = (Node.Mapping) root.entries().get("first");
        Node.Mapping second = (Node.Mapping) root.entries().get("second");
        String key1 = first.entries().keySet().iterator().next();
        String key2 = second.entries().keySet().iterator().next();
        assertSame(key1, key2);
        assertSame(((Node.Scalar) first.entries().get("ref")).text(), ((Node.Scalar) second.entries().get("ref")).text());
        assertSame(first.location(), first.entries().get("ref").location());
        assertSame(root.keyLocation("first"), first.keyLocation("ref"));
    }
}
