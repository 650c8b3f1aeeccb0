package dev.keyway.spi;

/**
 * A provider could not mint. {@code code} is one of the contract's stable error codes
 * ({@code invalid_request}, {@code upstream_denied}, {@code upstream_error}, {@code unavailable});
 * the message states the rule that failed and never contains a token, key or secret.
 */
public class IssueException extends Exception {

    private final String code;

    public IssueException(String code, String message) {
        super(message);
        this.code = code;
    }

    public IssueException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
