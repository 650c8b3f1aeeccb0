package dev.keyway.broker.problem;

import java.util.Locale;

/** The stable error codes of CONTRACT §4, each with its HTTP status and a human title. */
public enum ErrorCode {
    INVALID_REQUEST(400, "Invalid request"),
    TOKEN_MALFORMED(401, "Token malformed"),
    TOKEN_SIGNATURE_INVALID(401, "Token signature invalid"),
    TOKEN_EXPIRED(401, "Token expired"),
    TOKEN_NOT_YET_VALID(401, "Token not yet valid"),
    TOKEN_TOO_OLD(401, "Token too old"),
    TOKEN_AUDIENCE_INVALID(401, "Token audience invalid"),
    ISSUER_UNKNOWN(401, "Issuer unknown"),
    TOKEN_REPLAYED(401, "Token replayed"),
    BINDING_DENIED(403, "Binding denied"),
    BINDING_NOT_FOUND(404, "Binding not found"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    RATE_LIMITED(429, "Rate limited"),
    UPSTREAM_DENIED(502, "Upstream denied"),
    UPSTREAM_ERROR(502, "Upstream error"),
    UNAVAILABLE(503, "Unavailable"),
    /** Not in CONTRACT §4: a failure Keyway did not foresee (a bug). Nothing about it is told to the caller. */
    INTERNAL_ERROR(500, "Internal error");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The wire form: {@code token_expired}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<ErrorCode> fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code().equals(code)) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }
}
