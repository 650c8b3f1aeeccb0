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
        return response(request, exception.code(), exception.getMessage(), exception.extensions(),
                exception.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(null));
    }

    static MutableHttpResponse<Map<String, Object>> response(HttpRequest<?> request, ErrorCode code, String detail,
                                                             Map<String, Object> extensions, Long retryAfterSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://keyway.dev/problems/" + code.code());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("code", code.code());
        body.put("detail", detail);
        body.put("requestId", RequestIds.of(request));
        body.putAll(extensions);
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(code.status()))
                .contentType(CONTENT_TYPE)
                .body(body);
        if (retryAfterSeconds != null) {
            response.header("Retry-After", Long.toString(retryAfterSeconds));
        } else if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED) {
            response.header("Retry-After", "5");
        }
        return response;
    }
}
