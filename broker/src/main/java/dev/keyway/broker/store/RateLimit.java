package dev.keyway.broker.store;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** A token bucket's size and refill, written {@code 60/m}: 60 requests a minute, bursts up to 60. */
public record RateLimit(long permits, Duration per) {

    public RateLimit {
        if (permits <= 0) {
            throw new IllegalArgumentException("a rate needs at least one permit");
        }
    }

    /** Parses {@code N/s}, {@code N/m}, {@code N/h}; empty or "off" means no limit. */
    public static Optional<RateLimit> parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/");
        try {
            if (parts.length == 2) {
                Duration per = switch (parts[1]) {
                    case "s" -> Duration.ofSeconds(1);
                    case "m" -> Duration.ofMinutes(1);
                    case "h" -> Duration.ofHours(1);
                    default -> null;
                };
                if (per != null) {
                    return Optional.of(new RateLimit(Long.parseLong(parts[0]), per));
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a rate: write e.g. 60/m, 10/s or 1000/h");
    }

    /**
     * Milliseconds to regain one permit. Waits are computed by multiplying with this, not by
     * dividing by its inverse: 1 / (1 / 3,600,000.0) is 3,600,000.0000000005, and its ceiling told
     * a caller of a 1/h limit to wait an hour and a millisecond.
     */
    double millisPerPermit() {
        return (double) per.toMillis() / permits;
    }

    @Override
    public String toString() {
        return permits + "/" + (per.toHours() == 1 ? "h" : per.toMinutes() == 1 ? "m" : "s");
    }
}
