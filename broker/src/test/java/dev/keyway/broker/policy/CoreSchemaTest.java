package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Node.Scalar.ScalarType;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The YAML reader types scalars with {@link CoreSchema#plainTag} and character checks. This
 * pins that to the typing it replaced, kept here as the reference: SnakeYAML's default (YAML 1.1)
 * resolver followed by the core-schema regexes. Every value is tried plain, quoted and with explicit
 * tags, in block and flow collections.
 */
class CoreSchemaTest {

    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL_FLOAT = Pattern.compile("[-+]?(0|[1-9][0-9]*)?\\.[0-9]+([eE][-+]?[0-9]+)?");
    private static final Pattern BOOLEAN = Pattern.compile("true|True|TRUE|false|False|FALSE");

    static Stream<String> values() {
        List<String> values = new ArrayList<>(List.of(
                "", "~", "null", "Null", "NULL", "nULL", "nul", "None",
                "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "yes", "Yes", "no", "NO", "on", "Off", "y", "n",
                "0", "-0", "+0", "00", "01", "0123", "0o17", "0x1F", "0x_1F", "0b101", "1_000", "-1_000", "1:30", "-190:20:30",
                "7", "42", "-42", "+42", "123456789012345678901234567890", "1-2", "1 2", "-", "+", "+-1",
                "1.5", "-1.5", "+1.5", "0.5", "00.5", "01.5", ".5", "-.5", "+.5", "1.", "1.5.1", "1.10", "1.5e3",
                "1.5E-3", "1.5e+3", "1.5e", "1.5e+", "1e3", "1_000.5", "1.0_0", ".inf", "-.Inf", ".NaN", "1:30.5",
                "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "acme/api", "refs/heads/main", "v1.2"));
        values.add("1".repeat(1024));
        values.add("1".repeat(1025));
        values.add("1." + "5".repeat(1022));
        values.add("1." + "5".repeat(1023));
        return values.stream();
    }

    @ParameterizedTest
    @MethodSource("values")
    void typesPlainQuotedAndTaggedScalarsAsBefore(String value) {
        List<String> forms = List.of(value, "\"" + value + "\"", "'" + value + "'", "!!str " + value, "!!int " + value,
                "!!float " + value, "!!bool " + value, "!!null " + value, "! " + value, "!custom " + value);
        for (String form : forms) {
            for (String yaml : List.of("v: " + form + "\n", "{v: " + form + "}\n", "[{v: " + form + "}]\n")) {
                ScalarType expected;
                try {
                    expected = reference(yaml);
                } catch (YAMLException notYaml) {
                    assertFalse(errors(yaml).isEmpty(), yaml);
                    continue;
                }
                assertEquals(expected, read(yaml), yaml);
            }
        }
    }

    @Test
    void refusesPlainMergeKeysOnly() {
        assertTrue(errors("<<: {a: 1}\n").get(0).contains("merge keys (<<) are not supported"));
        assertTrue(errors("\"<<\": 1\n").isEmpty());
        assertTrue(errors("'<<': 1\n").isEmpty());
    }

    /** The type of the value under key v (in a one-item list when the document is a list). */
    private static ScalarType read(String yaml) {
        Problems problems = new Problems();
        List<Node> documents = YamlDocuments.read("t.yaml", yaml, problems);
        assertEquals(List.of(), problems.all(), yaml);
        Node root = documents.get(0);
        Node.Mapping mapping = (Node.Mapping) (root instanceof Node.Sequence list ? list.items().get(0) : root);
        return ((Node.Scalar) mapping.entries().get("v")).type();
    }

    /** The typing before CoreSchema.plainTag: SnakeYAML's YAML 1.1 tags, narrowed to the core schema. */
    private static ScalarType reference(String yaml) {
        org.yaml.snakeyaml.nodes.Node root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        MappingNode mapping = (MappingNode) (root instanceof SequenceNode list ? list.getValue().get(0) : root);
        ScalarNode scalar = (ScalarNode) mapping.getValue().get(0).getValueNode();
        Tag tag = scalar.getTag();
        String text = scalar.getValue();
        if (Tag.INT.equals(tag)) {
            return DECIMAL_INTEGER.matcher(text).matches() ? ScalarType.INTEGER : ScalarType.STRING;
        }
        if (Tag.FLOAT.equals(tag)) {
            return DECIMAL_FLOAT.matcher(text).matches() ? ScalarType.FLOAT : ScalarType.STRING;
        }
        if (Tag.BOOL.equals(tag)) {
            return BOOLEAN.matcher(text).matches() ? ScalarType.BOOLEAN : ScalarType.STRING;
        }
        return Tag.NULL.equals(tag) ? ScalarType.NULL : ScalarType.STRING;
    }

    private static List<String> errors(String yaml) {
        Problems problems = new Problems();
        YamlDocuments.read("t.yaml", yaml, problems);
        return problems.all().stream().map(Problem::message).toList();
    }
}
