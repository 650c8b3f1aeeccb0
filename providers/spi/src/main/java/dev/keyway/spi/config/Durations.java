package dev.keyway.spi.config;

import java.time.Duration;

/** Go-style durations as written in policy: {@code 90s}, {@code 15m}, {@code 1h30m}, {@code 500ms}. */
public final class Durations {

    /** Digits in one part: {@code 999999999d} is the longest, and already too long. */
    private static final int MAX_DIGITS = 9;

    private Durations() {
    }

    /** Parts of 1–9 digits and a unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), written one after another. */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a duration must not be empty (write e.g. 15m, 1h, 90s)");
        }
        Duration total = Duration.ZERO;
        int pos = 0;
        try {
            while (pos < text.length()) {
                int digitsEnd = pos;
                while (digitsEnd < text.length() && digitsEnd - pos <= MAX_DIGITS && isDigit(text.charAt(digitsEnd))) {
                    digitsEnd++;
                }
                if (digitsEnd == pos || digitsEnd - pos > MAX_DIGITS || digitsEnd == text.length()) {
                    throw notADuration(text);
                }
                long amount = Long.parseLong(text, pos, digitsEnd, 10);
                if (text.startsWith("ms", digitsEnd)) {
                    total = total.plus(Duration.ofMillis(amount));
                    pos = digitsEnd + 2;
                    continue;
                }
                total = total.plus(switch (text.charAt(digitsEnd)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw notADuration(text);
                });
                pos = digitsEnd + 1;
            }
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return total;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 15m, 1h, 90s, 1h30m)");
    }

    /** The shortest form that {@link #parse} reads back, for messages and explanations. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            out.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            out.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            out.append(d.toMillisPart()).append("ms");
        }
        return out.toString();
    }
}
