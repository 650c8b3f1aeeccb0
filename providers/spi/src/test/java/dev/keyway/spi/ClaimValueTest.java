package dev.keyway.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimValueTest {

    static Stream<Arguments> scalars() {
        return Stream.of(
                Arguments.of("a string is itself", "acme/api", "acme/api"),
                Arguments.of("an empty string is still a value", "", ""),
                Arguments.of("true reads \"true\"", true, "true"),
                Arguments.of("false reads \"false\"", false, "false"),
                Arguments.of("an int reads in decimal", 42, "42"),
                Arguments.of("a long reads in decimal", 42L, "42"),
                Arguments.of("a short reads in decimal", (short) 42, "42"),
                Arguments.of("a negative long reads with its sign", -7L, "-7"),
                Arguments.of("a whole double drops its .0", 42.0d, "42"),
                Arguments.of("a whole float drops its .0", 42.0f, "42"),
                Arguments.of("a BigDecimal with trailing zeros reads as the integer", new BigDecimal("42.000"), "42"),
                Arguments.of("a BigDecimal in exponent form reads in plain decimal", new BigDecimal("4.2E+1"), "42"),
                Arguments.of("a fraction keeps its digits", 1.5d, "1.5"),
                Arguments.of("a fraction drops only trailing zeros", new BigDecimal("1.50"), "1.5"),
                Arguments.of("a large double reads in plain decimal, not 1.0E20", 1e20d, "100000000000000000000"),
                Arguments.of("zero as a double reads 0", 0.0d, "0"),
                Arguments.of("a long beyond double precision keeps every digit", 9007199254740993L, "9007199254740993"),
                Arguments.of("a BigInteger beyond long keeps every digit",
                        new BigInteger("123456789012345678901234567890"), "123456789012345678901234567890"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalars")
    void scalarsCompareAsStrings(String sentence, Object raw, String expected) {
        ClaimValue value = ClaimValue.of(raw);
        assertInstanceOf(ClaimValue.Scalar.class, value);
        assertEquals(Optional.of(expected), value.scalar());
        assertEquals(expected, value.describe());
    }

    static Stream<Arguments> structured() {
        return Stream.of(
                Arguments.of("an array is structured", List.of("acme/api"), "(array)"),
                Arguments.of("an empty array is structured", List.of(), "(array)"),
                Arguments.of("an object is structured", Map.of("name", "web-1"), "(object)"),
                Arguments.of("an empty object is structured", Map.of(), "(object)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structured")
    void structuredValuesNeverEqualAString(String sentence, Object raw, String description) {
        ClaimValue value = ClaimValue.of(raw);
        assertInstanceOf(ClaimValue.Structured.class, value);
        assertEquals(Optional.empty(), value.scalar());
        assertEquals(description, value.describe());
        assertEquals(raw, ((ClaimValue.Structured) value).value());
    }

    @Test
    void nullIsMissing() {
        assertSame(ClaimValue.MISSING, ClaimValue.of(null));
        assertEquals(Optional.empty(), ClaimValue.MISSING.scalar());
        assertEquals("(missing)", ClaimValue.MISSING.describe());
    }

    @Test
    void numbersOfEveryTypeWithTheSameValueAgree() {
        List<Object> fortyTwos = List.of(42, 42L, 42.0d, 42.0f, new BigDecimal("42"), new BigDecimal("42.00"),
                new BigDecimal("0.42E+2"), BigInteger.valueOf(42), "42");
        for (Object raw : fortyTwos) {
            assertEquals(Optional.of("42"), ClaimValue.of(raw).scalar(), () -> raw.getClass().getSimpleName());
        }
    }

    @Test
    void nonFiniteDoublesReadAsTheirNameInsteadOfThrowing() {
        // Lenient JSON parsers (Gson, as used by Nimbus) accept NaN and Infinity; ClaimValue.of must stay total.
        assertEquals(Optional.of("NaN"), ClaimValue.of(Double.NaN).scalar());
        assertEquals(Optional.of("Infinity"), ClaimValue.of(Double.POSITIVE_INFINITY).scalar());
        assertEquals(Optional.of("-Infinity"), ClaimValue.of(Float.NEGATIVE_INFINITY).scalar());
    }

    @Test
    void otherObjectsReadAsTheirText() {
        ClaimValue value = ClaimValue.of(new StringBuilder("built"));
        assertTrue(value instanceof ClaimValue.Scalar s && s.value().equals("built"));
    }
}
