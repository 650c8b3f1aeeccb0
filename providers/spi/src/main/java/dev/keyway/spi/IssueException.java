package dev.keyway.spi;

import java.util.Map;

/**
 * A provider could not mint. {@code code} is one of the contract's stable error codes
 * ({@code invalid_request}, {@code upstream_denied}, {@code upstream_error}, {@code unavailable});
 * the message states the rule that failed and never contains a token, key or secret.
 */
public class IssueException extends Exception {

    private final String code;
    private final transient Map<String, String> upstream;

    public IssueException(String code, String message) {
        this(code, message, Map.of(), null);
    }

    public IssueException(String code, String message, Throwable cause) {
        this(code, message, Map.of(), cause);
    }

    /**
     * {@code upstream}: what the cloud said, for the caller to act on, e.g. {@code service: sts},
     * {@code code: AccessDenied}, {@code message: ...}, {@code role: arn:...}. Never a secret.
     */
    public IssueException(String code, String message, Map<String, String> upstream, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.upstream = Map.copyOf(upstream);
    }

    public String code() {
        return code;
    }

    public Map<String, String> upstream() {
        return upstream;
    }
}
