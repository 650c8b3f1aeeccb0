package dev.keyway.providers.gcp;

import java.io.IOException;

/**
 * A Google call that did not yield a token, classified where the HTTP exchange is still visible, so
 * that retries and the circuit breaker decide on what happened rather than on an exception type.
 * An {@link IOException} because the HTTP client's response interceptor may only throw those.
 */
abstract sealed class GoogleFailure extends IOException {

    private GoogleFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throttling, 5xx and unreachable hosts may succeed on a second try; refusals never do. */
    abstract boolean retryable();

    /** What counts against the endpoint's circuit breaker: its outages, never its refusals. */
    abstract boolean outage();

    /** Google answered with an error status; {@code code} and {@code message} are Google's own. */
    static final class Answered extends GoogleFailure {
        final int status;
        final String code;
        final String detail;

        Answered(int status, String code, String detail) {
            super("HTTP " + status + " " + code, null);
            this.status = status;
            this.code = code;
            this.detail = detail;
        }

        boolean refusal() {
            return status >= 400 && status < 500 && status != 429;
        }

        @Override
        boolean retryable() {
            return status == 429 || status >= 500;
        }

        @Override
        boolean outage() {
            return status >= 500;
        }
    }

    /** No answer within the read or connect timeout. Not retried: a hanging endpoint keeps hanging. */
    static final class TimedOut extends GoogleFailure {
        TimedOut(IOException cause) {
            super("no answer in time", cause);
        }

        @Override
        boolean retryable() {
            return false;
        }

        @Override
        boolean outage() {
            return true;
        }
    }

    /** The request never got an answer: refused connection, reset, TLS failure, unknown host. */
    static final class Unreachable extends GoogleFailure {
        Unreachable(Exception cause) {
            super(cause.getClass().getSimpleName(), cause);
        }

        @Override
        boolean retryable() {
            return true;
        }

        @Override
        boolean outage() {
            return true;
        }
    }

    /** A success status with a body that is not the documented response. */
    static final class Malformed extends GoogleFailure {
        Malformed(String what, Throwable cause) {
            super(what, cause);
        }

        @Override
        boolean retryable() {
            return false;
        }

        @Override
        boolean outage() {
            return true;
        }
    }
}
