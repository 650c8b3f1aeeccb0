package dev.keyway.spi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Node.Scalar.ScalarType;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldsTest {

    private static final String FILE = "binding.yaml";

    /** Builds a mapping the way the YAML reader would: each key on its own line, starting at {@code line}. */
    private static Node.Mapping mapping(int line, Object... keysAndValues) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Location> keyLocations = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            Node value = (Node) keysAndValues[i + 1];
            entries.put(key, value);
            keyLocations.put(key, new Location(FILE, value.location().line()));
        }
        return new Node.Mapping(entries, keyLocations, new Location(FILE, line));
    }

    private static Node.Scalar scalar(int line, String text, ScalarType type) {
        return new Node.Scalar(text, type, new Location(FILE, line));
    }

    private static Node.Scalar string(int line, String text) {
        return scalar(line, text, ScalarType.STRING);
    }

    private static Node.Sequence list(int line, Node... items) {
        return new Node.Sequence(List.of(items), new Location(FILE, line));
    }

    @Test
    void anUnknownFieldIsReportedAtItsOwnLine() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(3, "audience", string(4, "x"), "audiance", string(7, "y")), "jwt grant", problems);
        assertEquals(Optional.of("x"), fields.string("audience"));
        fields.finish();
        assertEquals(List.of("binding.yaml:7: jwt grant: unknown field 'audiance'"),
                problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void everyUnknownFieldIsReportedNotJustTheFirst() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1, "a", string(2, "1"), "b", string(3, "2"), "c", string(4, "3")), "spec", problems);
        fields.string("b");
        fields.finish();
        assertEquals(List.of(2, 4), problems.errors().stream().map(p -> p.location().line()).toList());
    }

    @Test
    void aFieldAskedForButAbsentIsNotUnknown() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1, "a", string(2, "1")), "spec", problems);
        assertEquals(Optional.empty(), fields.string("b"));
        assertEquals(Optional.empty(), fields.bool("c"));
        assertEquals("1", fields.string("a").orElseThrow());
        fields.finish();
        assertFalse(problems.hasErrors(), problems.all()::toString);
    }

    @Test
    void aMissingRequiredFieldIsReportedAtTheMapping() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(5, "other", string(6, "x")), "Issuer 'github'", problems);
        assertEquals(Optional.empty(), fields.requiredString("issuer"));
        assertEquals(List.of("binding.yaml:5: Issuer 'github': missing required field 'issuer'"),
                problems.all().stream().map(Problem::toString).toList());
    }

    /** One row: a sentence, the value as written, how it is read, and the expected message at the value's line. */
    static Stream<Arguments> wrongTypes() {
        Function<Fields, Object> string = f -> f.string("field");
        Function<Fields, Object> bool = f -> f.bool("field");
        Function<Fields, Object> stringList = f -> f.stringList("field");
        Function<Fields, Object> duration = f -> f.duration("field");
        Function<Fields, Object> mapping = f -> f.mapping("field").filter(m -> !m.keys().isEmpty());
        return Stream.of(
                Arguments.of("a number is not a string", scalar(9, "42", ScalarType.INTEGER), string,
                        "'field' must be a string, not a number"),
                Arguments.of("a float is not a string", scalar(9, "1.5", ScalarType.FLOAT), string,
                        "'field' must be a string, not a number"),
                Arguments.of("a boolean is not a string", scalar(9, "true", ScalarType.BOOLEAN), string,
                        "'field' must be a string, not a boolean"),
                Arguments.of("null is not a string", scalar(9, "", ScalarType.NULL), string,
                        "'field' must be a string, not null"),
                Arguments.of("a list is not a string", list(9, string(10, "a")), string,
                        "'field' must be a string, not a list"),
                Arguments.of("a mapping is not a string", mapping(9, "k", string(10, "v")), string,
                        "'field' must be a string, not a mapping"),
                Arguments.of("the string yes is not a boolean", string(9, "yes"), bool,
                        "'field' must be true or false, not a string"),
                Arguments.of("a quoted \"true\" is not a boolean", string(9, "true"), bool,
                        "'field' must be true or false, not a string"),
                Arguments.of("a number is not a boolean", scalar(9, "1", ScalarType.INTEGER), bool,
                        "'field' must be true or false, not a number"),
                Arguments.of("an empty list is refused", list(9), stringList,
                        "'field' must not be an empty list"),
                Arguments.of("a mapping is not a list of strings", mapping(9, "k", string(10, "v")), stringList,
                        "'field' must be a string, not a mapping"),
                Arguments.of("a number is not a duration", scalar(9, "90", ScalarType.INTEGER), duration,
                        "'field' must be a string, not a number"),
                Arguments.of("a bad duration names the text", string(9, "1 hour"), duration,
                        "'field': '1 hour' is not a duration"),
                Arguments.of("a string is not a mapping", string(9, "x"), mapping,
                        "spec.field must be a mapping, not a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongTypesAreReportedWithTheirLine(String sentence, Node value, Function<Fields, Object> read, String message) {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(8, "field", value), "spec", problems);
        Object result = read.apply(fields);
        assertEquals(Optional.empty(), result, "a wrongly typed value reads as absent");
        fields.finish();
        List<Problem> errors = problems.errors();
        assertEquals(1, errors.size(), errors::toString);
        assertEquals(9, errors.get(0).location().line());
        assertEquals(FILE, errors.get(0).location().file());
        assertTrue(errors.get(0).message().contains(message), errors.get(0).message());
    }

    @Test
    void everyBadItemOfAListIsReportedAtItsOwnLine() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1, "audiences", list(2, string(3, "ok"),
                scalar(4, "42", ScalarType.INTEGER), list(5, string(5, "nested")))), "Issuer 'x'", problems);
        assertEquals(Optional.empty(), fields.stringList("audiences"));
        assertEquals(List.of(4, 5), problems.errors().stream().map(p -> p.location().line()).toList());
    }

    @Test
    void aSingleStringReadsAsAOneElementList() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1, "audience", string(2, "sts.amazonaws.com")), "grant", problems);
        assertEquals(Optional.of(List.of("sts.amazonaws.com")), fields.stringList("audience"));
        assertEquals(Optional.of(List.of("a", "b")),
                new Fields(mapping(1, "audience", list(2, string(3, "a"), string(4, "b"))), "grant", problems)
                        .stringList("audience"));
        assertFalse(problems.hasErrors());
    }

    @Test
    void readsTypedValues() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1,
                "flag", scalar(2, "true", ScalarType.BOOLEAN),
                "off", scalar(3, "False", ScalarType.BOOLEAN),
                "ttl", string(4, "1h30m"),
                "nested", mapping(5, "inner", string(6, "v"))), "spec", problems);
        assertEquals(Optional.of(true), fields.bool("flag"));
        assertEquals(Optional.of(false), fields.bool("off"));
        assertEquals(Optional.of(Duration.ofMinutes(90)), fields.duration("ttl"));
        Fields nested = fields.mapping("nested").orElseThrow();
        assertEquals(Optional.of("v"), nested.string("inner"));
        nested.finish();
        fields.finish();
        assertFalse(problems.hasErrors(), problems.all()::toString);
    }

    @Test
    void nestedMappingsNameTheirPathInMessages() {
        Problems problems = new Problems();
        Fields fields = new Fields(mapping(1, "grant", mapping(2, "typo", string(3, "x"))), "Binding 'b'", problems);
        fields.mapping("grant").orElseThrow().finish();
        assertEquals(List.of("binding.yaml:3: Binding 'b'.grant: unknown field 'typo'"),
                problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void keysKeepDocumentOrder() {
        Fields fields = new Fields(mapping(1, "zeta", string(2, "1"), "alpha", string(3, "2"), "mid", string(4, "3")),
                "spec", new Problems());
        assertEquals(List.of("zeta", "alpha", "mid"), fields.keys());
        assertTrue(fields.has("alpha"));
        assertFalse(fields.has("beta"));
        assertEquals(new Location(FILE, 3), fields.location("alpha"));
        assertEquals(new Location(FILE, 1), fields.location("beta"), "an absent key points at its mapping");
    }

    @Test
    void ofReportsANonMappingAndReadsAsEmpty() {
        Problems problems = new Problems();
        Fields fields = Fields.of(list(4, string(4, "x")), "spec", problems);
        assertEquals(List.of("binding.yaml:4: spec must be a mapping, not a list"),
                problems.all().stream().map(Problem::toString).toList());
        assertEquals(List.of(), fields.keys());
        fields.finish();
        assertEquals(1, problems.errorCount());
    }

    @Test
    void problemsSortByFileThenLineAndPrintForEditors() {
        Problems problems = new Problems();
        problems.error(new Location("b.yaml", 2), "second file");
        problems.warning(new Location("a.yaml", 9), "late warning");
        problems.error(new Location("a.yaml", 3), "early error");
        problems.error(Location.unknown("a.yaml"), "whole file");
        assertEquals(List.of("a.yaml: whole file", "a.yaml:3: early error", "a.yaml:9: warning: late warning",
                "b.yaml:2: second file"), problems.all().stream().map(Problem::toString).toList());
        assertEquals(3, problems.errorCount());
        assertEquals(1, problems.warnings().size());
        assertTrue(problems.hasErrors());
    }

    @Test
    void scalarsConvertToPlainJava() {
        assertEquals(42L, scalar(1, "42", ScalarType.INTEGER).toJava());
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"),
                scalar(1, "123456789012345678901234567890", ScalarType.INTEGER).toJava());
        assertEquals(1.5d, scalar(1, "1.5", ScalarType.FLOAT).toJava());
        assertEquals(true, scalar(1, "TRUE", ScalarType.BOOLEAN).toJava());
        assertEquals(null, scalar(1, "~", ScalarType.NULL).toJava());
        assertEquals(Map.of("a", List.of("x", 1L)),
                Node.toJava(mapping(1, "a", list(2, string(2, "x"), scalar(2, "1", ScalarType.INTEGER)))));
    }
}
