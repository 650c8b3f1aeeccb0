package dev.keyway.broker.api;

import dev.keyway.broker.problem.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.io.EOFException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure Keyway did not foresee: {@code 500 internal_error} as problem+json, and one log line
 * with the request id, the exception types and where they were thrown. Exception messages are
 * left out of both: a parser's or a library's message can quote the request, and the request
 * carries a token. Micronaut's own handlers for its own exceptions (bad routes, unreadable
 * bodies) are more specific and still apply.
 */
@Singleton
@Produces("application/problem+json")
public class Unexpected implements ExceptionHandler<Exception, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(Unexpected.class);
    private static final int FRAMES_PER_CAUSE = 8;

    static final String DETAIL = "the broker failed unexpectedly; its log has this request id";
    static final String BODY_CUT_SHORT = "the request body ended before its declared length";

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        if (clientLeft(exception)) {
            logClientLeft(RequestIds.of(request));
            return Problems.response(request, ErrorCode.INVALID_REQUEST, BODY_CUT_SHORT, Map.of(), null);
        }
        return response(request, exception);
    }

    /**
     * A client that closed the connection before sending its whole body: Netty reports it as an
     * {@link EOFException} while the request is read. Not a broker failure, and cheap for anyone
     * to cause, so no ERROR line with frames; the answer (400) rarely reaches anyone.
     */
    static boolean clientLeft(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 5; t = t.getCause(), depth++) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    static void logClientLeft(String requestId) {
        LOG.debug("request {}: the client closed the connection before its body ended", requestId);
    }

    static HttpResponse<?> response(HttpRequest<?> request, Throwable failure) {
        log(RequestIds.of(request), failure);
        return Problems.response(request, ErrorCode.INTERNAL_ERROR, DETAIL, Map.of(), null);
    }

    static void log(String requestId, Throwable failure) {
        LOG.error("request {} failed unexpectedly (exception messages are not logged):{}", requestId, withoutMessages(failure));
    }

    /** Each cause's type and its first frames: enough to find the bug, nothing the caller sent. */
    static String withoutMessages(Throwable failure) {
        StringBuilder out = new StringBuilder();
        int causes = 0;
        for (Throwable t = failure; t != null && causes < 5; t = t.getCause(), causes++) {
            out.append(causes == 0 ? "\n" : "\ncaused by ").append(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(FRAMES_PER_CAUSE, frames.length); i++) {
                out.append("\n\tat ").append(frames[i]);
            }
        }
        return out.toString();
    }
}
