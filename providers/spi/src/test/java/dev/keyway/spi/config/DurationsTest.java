package dev.keyway.spi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("seconds", "90s", Duration.ofSeconds(90)),
                Arguments.of("minutes", "15m", Duration.ofMinutes(15)),
                Arguments.of("hours", "1h", Duration.ofHours(1)),
                Arguments.of("days", "2d", Duration.ofDays(2)),
                Arguments.of("milliseconds are not minutes", "500ms", Duration.ofMillis(500)),
                Arguments.of("hours and minutes combine", "1h30m", Duration.ofMinutes(90)),
                Arguments.of("every unit combines", "1d2h3m4s5ms", Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5)),
                Arguments.of("minutes then milliseconds", "1m1ms", Duration.ofMinutes(1).plusMillis(1)),
                Arguments.of("a zero amount is zero", "0s", Duration.ZERO),
                Arguments.of("a zero part adds nothing", "1h0m", Duration.ofHours(1)),
                Arguments.of("leading zeros are digits", "015m", Duration.ofMinutes(15)),
                Arguments.of("nine digits are accepted", "999999999s", Duration.ofSeconds(999_999_999)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("durations")
    void parses(String sentence, String text, Duration expected) {
        assertEquals(expected, Durations.parse(text));
    }

    @ParameterizedTest(name = "''{0}'' is not a duration")
    @ValueSource(strings = {"15", "m", "ms", "1.5h", "-1h", "+1h", "15 m", " 15m", "15m ", "1H", "15M", "15mm", "1h30",
            "h1", "1w", "1y", "1us", "1ns", "PT15M", "1e3s", "1234567890s", "15m,", "1h 30m", "abc", "\t"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
        assertTrue(e.getMessage().contains("15m"), "the message shows an example: " + e.getMessage());
    }

    @ParameterizedTest(name = "an empty duration is refused: [{0}]")
    @NullAndEmptySource
    void rejectsEmpty(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("must not be empty"), e.getMessage());
    }

    /** The regex parse that the hand-written one replaced, as the reference. */
    private static Duration reference(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = m.end();
        }
        return end == text.length() && !text.isEmpty() ? total : null;
    }

    @Test
    void readsExactlyWhatTheRegexRead() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "0123456789msmhdx 9";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(12) + 1; n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Duration expected = reference(text.toString());
            Duration parsed;
            try {
                parsed = Durations.parse(text.toString());
            } catch (IllegalArgumentException refused) {
                parsed = null;
            }
            assertEquals(expected, parsed, text.toString());
        }
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0s"),
                Arguments.of(Duration.ofSeconds(90), "1m30s"),
                Arguments.of(Duration.ofHours(1), "1h"),
                Arguments.of(Duration.ofDays(1), "24h"),
                Arguments.of(Duration.ofMinutes(90), "1h30m"),
                Arguments.of(Duration.ofMillis(1500), "1s500ms"),
                Arguments.of(Duration.ofHours(25).plusSeconds(1), "25h1s"));
    }

    @ParameterizedTest(name = "{0} formats as {1} and reads back")
    @MethodSource("formats")
    void formatsTheShortestReadableForm(Duration duration, String expected) {
        assertEquals(expected, Durations.format(duration));
        assertEquals(duration, Durations.parse(expected));
    }

    @Test
    void formatRoundTripsEveryParsedDuration() {
        for (String text : new String[] {"1d2h3m4s5ms", "500ms", "90s", "36h", "1m1ms"}) {
            Duration parsed = Durations.parse(text);
            assertEquals(parsed, Durations.parse(Durations.format(parsed)), text);
        }
    }
}
