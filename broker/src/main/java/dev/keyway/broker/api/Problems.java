package dev.keyway.broker.api;

import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** The single mapper from refusals to {@code application/problem+json} (RFC 9457) with a stable {@code code}. */
@Singleton
@Produces("application/problem+json")
public class Problems implements ExceptionHandler<KeywayException, HttpResponse<?>> {

    static final String CONTENT_TYPE = "application/problem+json";

    @Override
    public HttpResponse<?> handle(HttpRequest request, KeywayException exception) {
        return of(request, exception);
    }

    /**
     * The refusal as a response. Controllers on the hot path return this instead of throwing:
     * Micronaut looks its exception handler up in the bean context for every thrown exception,
     * which cost more CPU than a whole refused exchange (docs/performance.md).
     */
    static MutableHttpResponse<Map<String, Object>> of(HttpRequest<?> request, KeywayException exception) {
        return response(request, exception.code(), exception.getMessage(), exception.extensions(), retryAfterSeconds(exception));
    }

    static MutableHttpResponse<Map<String, Object>> response(HttpRequest<?> request, ErrorCode code, String detail,
                                                             Map<String, Object> extensions, Long retryAfterSeconds) {
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(code.status()))
                .contentType(CONTENT_TYPE)
                .body(body(code, detail, extensions, RequestIds.of(request)));
        String retryAfter = retryAfter(code, retryAfterSeconds);
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return response;
    }

    /** The RFC 9457 body: type, title, status, the stable code, detail, the request id, then any extensions. */
    static Map<String, Object> body(ErrorCode code, String detail, Map<String, Object> extensions, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://keyway.dev/problems/" + code.code());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("code", code.code());
        body.put("detail", detail);
        body.put("requestId", requestId);
        body.putAll(extensions);
        return body;
    }

    /** Seconds as given, else 5 for the codes a client should retry; null for the rest. */
    static String retryAfter(ErrorCode code, Long retryAfterSeconds) {
        if (retryAfterSeconds != null) {
            return Long.toString(retryAfterSeconds);
        }
        return code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED ? "5" : null;
    }

    static Long retryAfterSeconds(KeywayException exception) {
        return exception.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(null);
    }
}
