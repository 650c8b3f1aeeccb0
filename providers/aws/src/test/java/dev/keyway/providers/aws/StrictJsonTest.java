package dev.keyway.providers.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Session policies are strict JSON objects, compacted without changing a character inside strings. */
class StrictJsonTest {

    @Test
    void compactsWhitespaceOutsideStringsOnly() throws Exception {
        StrictJson.Checked checked = StrictJson.object("""
                {
                  "Version" : "2012-10-17",
                  "Statement": [ { "Sid": "keep  these  spaces", "Effect": "Allow", "Action": ["s3:Get*"],
                                   "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": -1.5e+3}},
                                   "Escapes": "a\\"b\\\\c\\u00e9\\n", "Flags": [true, false, null, 0] } ]
                }
                """);
        assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"keep  these  spaces\",\"Effect\":\"Allow\","
                + "\"Action\":[\"s3:Get*\"],\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":-1.5e+3}},"
                + "\"Escapes\":\"a\\\"b\\\\c\\u00e9\\n\",\"Flags\":[true,false,null,0]}]}", checked.compact());
        assertEquals(Set.of("Version", "Statement"), checked.topLevelKeys());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("an array at the top", "[]", "must be a JSON object"),
                Arguments.of("an empty text", "", "must be a JSON object"),
                Arguments.of("single quotes", "{'a': 1}", "expected a quoted member name at line 1, column 2"),
                Arguments.of("a trailing comma", "{\"a\": 1,}", "expected a quoted member name"),
                Arguments.of("a comment", "{\"a\": 1 // no\n}", "expected '}' but found '/'"),
                Arguments.of("an unterminated string", "{\"a\": \"b}", "unterminated string"),
                Arguments.of("a raw newline in a string", "{\"a\": \"b\nc\"}", "control character in a string"),
                Arguments.of("a bad escape", "{\"a\": \"\\x\"}", "bad escape '\\x'"),
                Arguments.of("a short unicode escape", "{\"a\": \"\\u12\"}", "bad \\u escape"),
                Arguments.of("a leading plus", "{\"a\": +1}", "unexpected character '+'"),
                Arguments.of("a bare decimal point", "{\"a\": 1.}", "malformed number"),
                Arguments.of("a misspelt literal", "{\"a\": tru}", "unexpected character 't'"),
                Arguments.of("a missing colon", "{\"a\" 1}", "expected ':' but found '1'"),
                Arguments.of("a truncated document", "{\"a\": [1, 2", "unexpected end of the document"),
                Arguments.of("two objects", "{} {}", "unexpected content after the JSON object"),
                Arguments.of("a duplicate member, reported where it repeats", "{\"a\": 1,\n  \"a\": 2}",
                        "duplicate member \"a\" at line 2, column 3"),
                Arguments.of("a duplicate member in a nested object", "{\"S\": [{\"x\": 1, \"x\": 1}]}", "duplicate member \"x\""));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("invalid")
    void refuses(String sentence, String text, String message) {
        StrictJson.Invalid e = assertThrows(StrictJson.Invalid.class, () -> StrictJson.object(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anEscapedDuplicateIsStillADuplicate() {
        StrictJson.Invalid e = assertThrows(StrictJson.Invalid.class, () -> StrictJson.object("{\"ab\": 1, \"a\\u0062\": 2}"));
        assertTrue(e.getMessage().contains("duplicate member \"ab\""), e.getMessage());
    }
}
