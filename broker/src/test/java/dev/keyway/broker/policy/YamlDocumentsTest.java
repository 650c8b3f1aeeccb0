package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the YAML reader guarantees beyond scalar typing ({@link CoreSchemaTest}): cycles, duplicates,
 * sharing, the limits that keep a hostile file cheap, and {@link YamlDocuments#mayHold}.
 */
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
    @Test
    void anAliasIsTheAnchoredNodeItself() {
        Node.Mapping root = read("a: &x {k: [1, 2]}\nb: *x\n");
        assertSame(root.entries().get("a"), root.entries().get("b"));
    }

    @Test
    void anUndefinedAliasRefusesTheFileAtItsLine() {
        assertEquals(List.of("t.yaml:2: not valid YAML: found undefined alias nowhere"), problems("a: 1\nb: *nowhere\n"));
    }

    @Test
    void anAnchorOnlyReachesWithinItsDocument() {
        assertEquals(List.of("t.yaml:3: not valid YAML: found undefined alias x"), problems("a: &x 1\n---\nb: *x\n"));
    }

    @Test
    void aLaterAnchorOfTheSameNameWins() {
        Node.Mapping root = read("a: &x one\nb: &x two\nc: *x\nd: &y [&y inner]\ne: *y\n");
        assertEquals("two", ((Node.Scalar) root.entries().get("c")).text());
        assertEquals("inner", ((Node.Scalar) root.entries().get("e")).text(), "the anchor written last is the inner one");
    }

    @Test
    void aliasesToCollectionsAreCappedPerFile() {
        StringBuilder yaml = new StringBuilder("base: &b [x, y]\n");
        for (int i = 0; i < YamlComposer.MAX_COLLECTION_ALIASES; i++) {
            yaml.append("k").append(i).append(": *b\n");
        }
        assertEquals(List.of(), problems(yaml.toString()));
        yaml.append("one-more: *b\n");
        assertEquals(List.of("t.yaml:" + (YamlComposer.MAX_COLLECTION_ALIASES + 2)
                + ": not valid YAML: more than 20 aliases to collections in one file"), problems(yaml.toString()));
    }

    @Test
    void aBillionLaughsIsRefused() {
        StringBuilder yaml = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 9; level++) {
            yaml.append("l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (level - 1)))).append("]\n");
        }
        List<String> problems = problems(yaml.toString());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("more than 20 aliases to collections"), problems.get(0));
    }

    @Test
    void scalarAliasesAreNotCapped() {
        StringBuilder yaml = new StringBuilder("base: &b x\n");
        for (int i = 0; i < 100; i++) {
            yaml.append("k").append(i).append(": *b\n");
        }
        assertEquals(List.of(), problems(yaml.toString()));
    }

    @Test
    void deepNestingIsRefused() {
        int lists = YamlComposer.MAX_DEPTH - 1; // inside the root mapping, the first level
        assertEquals(List.of(), problems("a: " + "[".repeat(lists) + "]".repeat(lists) + "\n"));
        List<String> deep = problems("a: " + "[".repeat(lists + 1) + "]".repeat(lists + 1) + "\n");
        assertEquals(List.of("t.yaml:1: not valid YAML: nested more than 50 levels deep"), deep);
        assertTrue(problems("a: " + "[".repeat(100_000) + "\n").get(0).startsWith("t.yaml:1: not valid YAML"),
                "an unclosed, very deep nesting is refused without exhausting the stack");
    }

    @Test
    void typeTagsAreRefusedOtherTagsReadAsText() {
        assertEquals(List.of("t.yaml:2: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager"),
                problems("a: 1\nb: !!javax.script.ScriptEngineManager x\n"));
        assertEquals(List.of("t.yaml:1: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:java.util.ArrayList"),
                problems("a: !!java.util.ArrayList [x]\n"));
        assertEquals(List.of("t.yaml:1: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:java.io.File"),
                problems("!!java.io.File k: v\n"));
        assertEquals("x", ((Node.Scalar) read("a: !local x\n").entries().get("a")).text());
        assertEquals("x", ((Node.Scalar) read("a: !<tag:example.com,2000:app/widget> x\n").entries().get("a")).text());
    }

    @Test
    void keysMustBeScalarsAndTheRestOfTheMappingIsStillRead() {
        assertEquals(List.of("t.yaml:2: mapping keys must be plain strings"), problems("a: 1\n? [x, y]\n: 2\nc: 3\n"));
        Problems problems = new Problems();
        Node.Mapping root = (Node.Mapping) YamlDocuments.read("t.yaml", "a: 1\n? {x: y}\n: 2\nc: 3\n", problems).get(0);
        assertEquals(List.of("a", "c"), List.copyOf(root.entries().keySet()));
    }

    @Test
    void anAnchoredOrAliasedScalarCanBeAKey() {
        Node.Mapping root = read("&k name: 1\nother: *k\n");
        assertEquals(List.of("name", "other"), List.copyOf(root.entries().keySet()));
        assertEquals(List.of("t.yaml:2: duplicate key 'name' (first at line 1)"), problems("&k name: 1\n*k : 2\n"));
    }

    @Test
    void mergeKeysAreRefusedWrittenPlainOrTagged() {
        assertEquals(List.of("t.yaml:2: merge keys (<<) are not supported; repeat the entries"),
                problems("base: &b {x: 1}\n<<: *b\n"));
        assertEquals(List.of("t.yaml:1: merge keys (<<) are not supported; repeat the entries"),
                problems("!!merge <<: {x: 1}\n"));
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertEquals(List.of("t.yaml:2: not valid YAML: found unexpected end of stream"), problems("a: 1\nb: \"open\n"));
        List<String> problems = problems("a: 1\nb: [x\nc: 2\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("t.yaml:"), problems.get(0));
    }

    static Stream<Arguments> issuerSpellings() {
        return Stream.of(
                Arguments.of("written out", "kind: Issuer\n", true),
                Arguments.of("quoted", "kind: \"Issuer\"\n", true),
                Arguments.of("a hex escape", "kind: \"\\x49ssuer\"\n", true),
                Arguments.of("a short Unicode escape", "kind: \"\\u0049ssuer\"\n", true),
                Arguments.of("a long Unicode escape", "kind: \"\\U00000049ssuer\"\n", true),
                Arguments.of("an escaped line break", "kind: \"Iss\\\n  uer\"\n", true),
                Arguments.of("an escaped CRLF line break", "kind: \"Iss\\\r\n  uer\"\n", true),
                Arguments.of("lowercase", "kind: issuer\n", false),
                Arguments.of("folded across lines", "kind: >-\n  Iss\n  uer\n", false),
                Arguments.of("a plain scalar across lines", "kind: Iss\n  uer\n", false),
                Arguments.of("a regex with escapes", "ref: {regex: \"refs/tags/v\\\\d+\\\\.[0-9]\"}\n", false),
                Arguments.of("a binding", "kind: Binding\nspec: {issuer: github}\n", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("issuerSpellings")
    void mayHoldFindsEveryWayToSpellAWord(String how, String yaml, boolean spellsIt) {
        Node.Mapping root = read(yaml);
        boolean reads = root.entries().get("kind") instanceof Node.Scalar kind && kind.text().equals("Issuer");
        assertEquals(spellsIt, reads, "the YAML reads as Issuer");
        assertTrue(YamlDocuments.mayHold(yaml, "Issuer") || !reads, "mayHold must never miss it");
        assertEquals(spellsIt, YamlDocuments.mayHold(yaml, "Issuer"));
    }
}
