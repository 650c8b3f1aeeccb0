package dev.keyway.broker.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every response carries {@code X-Request-Id}: the caller's own when it is a sane identifier (so a
 * CI log and the audit trail can be joined), else a fresh one.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "keyway.requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @RequestFilter
    public void assign(HttpRequest<?> request) {
        request.setAttribute(ATTRIBUTE, pick(request.getHeaders().get(HEADER)));
    }

    /** The caller's id when it is sane, else a fresh one. */
    static String pick(String given) {
        return given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    @ResponseFilter
    public void echo(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header(HEADER, of(request));
    }

    static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String id = UUID.randomUUID().toString();
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }
}
