package dev.keyway.broker.api;

import dev.keyway.broker.problem.ErrorCode;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ContentLengthExceededHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.Map;

/** A body over {@code keyway.limits.max-body-bytes} is refused by the server before we see it; answer in our format. */
@Singleton
@Replaces(ContentLengthExceededHandler.class)
@Produces("application/problem+json")
public class TooLarge implements ExceptionHandler<ContentLengthExceededException, HttpResponse<?>> {

    static final String DETAIL = "request body is larger than the broker accepts (keyway.limits.max-body-bytes)";

    @Override
    public HttpResponse<?> handle(HttpRequest request, ContentLengthExceededException exception) {
        return Problems.response(request, ErrorCode.PAYLOAD_TOO_LARGE, DETAIL, Map.of(), null);
    }
}
