package dev.keyway.broker.problem;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A request Keyway refuses, whoever is at fault: the code says which (4xx the caller's, 5xx ours or
 * upstream's). The message states the rule that failed and never contains a token, key or secret;
 * {@code extensions} become extra problem+json members (e.g. {@code mismatches}).
 */
public class KeywayException extends Exception {

    private final ErrorCode code;
    private final transient Map<String, Object> extensions;
    private final Duration retryAfter;

    public KeywayException(ErrorCode code, String message) {
        this(code, message, Map.of(), null, null);
    }

    public KeywayException(ErrorCode code, String message, Map<String, Object> extensions, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
        this.extensions = Map.copyOf(extensions);
        this.retryAfter = retryAfter;
    }

    public static KeywayException unavailable(String message, Duration retryAfter, Throwable cause) {
        return new KeywayException(ErrorCode.UNAVAILABLE, message, Map.of(), retryAfter, cause);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
