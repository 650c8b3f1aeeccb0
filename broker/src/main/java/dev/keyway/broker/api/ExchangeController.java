package dev.keyway.broker.api;

import dev.keyway.broker.exchange.ExchangeService;
import dev.keyway.broker.problem.KeywayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/exchange} and {@code POST /v1/explain}. The methods run on the Netty event loop
 * only to parse the request and admit it to the {@link ExchangeQueue}; the exchange itself runs on
 * the queue's threads, never on an event loop: verification may fetch keys and stores may wait on
 * the network.
 */
@Controller("/v1")
public class ExchangeController {

    private final ExchangeService exchange;
    private final ExchangeEndpoint endpoint;

    public ExchangeController(ExchangeService exchange, ExchangeEndpoint endpoint) {
        this.exchange = exchange;
        this.endpoint = endpoint;
    }

    /** The same endpoint {@link ExchangeRoute} serves ahead of the router; this one answers when it cannot (HTTP/2). */
    @Post(uri = "/exchange", consumes = MediaType.ALL, produces = MediaType.ALL)
    public CompletableFuture<HttpResponse<?>> exchange(HttpRequest<?> request, @Nullable @Body byte[] body,
                                                       @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return endpoint.exchange(body == null ? new byte[0] : body, authorization, RequestIds.of(request), clientIp(request))
                .thenApply(ExchangeController::response);
    }

    @Post(uri = "/explain", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<?>> explain(HttpRequest<?> request, @Nullable @Body byte[] body,
                                                      @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return endpoint.<HttpResponse<?>>admit(body == null ? new byte[0] : body, authorization, RequestIds.of(request),
                clientIp(request), parsed -> HttpResponse.ok(exchange.explain(parsed)), new ExchangeEndpoint.Answers<>() {
                    @Override
                    public HttpResponse<?> refused(KeywayException refusal) {
                        return Problems.of(request, refusal);
                    }

                    @Override
                    public HttpResponse<?> failed(Throwable failure) {
                        return Unexpected.response(request, failure);
                    }
                });
    }

    private static HttpResponse<?> response(ExchangeEndpoint.Reply reply) {
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(HttpStatus.valueOf(reply.status()))
                .contentType(reply.contentType())
                .body(reply.body());
        if (reply.cacheControl() != null) {
            response.header(HttpHeaders.CACHE_CONTROL, reply.cacheControl());
        }
        if (reply.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, reply.retryAfter());
        }
        return response;
    }

    private static String clientIp(HttpRequest<?> request) {
        return request.getRemoteAddress().getAddress().getHostAddress();
    }
}
