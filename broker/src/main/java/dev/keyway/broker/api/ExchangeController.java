package dev.keyway.broker.api;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.exchange.ExchangeRequest;
import dev.keyway.broker.exchange.ExchangeService;
import dev.keyway.broker.exchange.Explanation;
import dev.keyway.broker.problem.KeywayException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /v1/exchange} and {@code POST /v1/explain}. The methods run on the Netty event loop
 * only to parse the request and admit it to the {@link ExchangeQueue}; the exchange itself runs on
 * the queue's threads, never on an event loop: verification may fetch keys and stores may wait on
 * the network.
 */
@Controller("/v1")
public class ExchangeController {

    private final ExchangeService exchange;
    private final int maxBodyBytes;
    private final ExchangeQueue queue;

    public ExchangeController(ExchangeService exchange, KeywayConfiguration.Limits limits, ExchangeQueue queue) {
        this.exchange = exchange;
        this.maxBodyBytes = limits.getMaxBodyBytes();
        this.queue = queue;
    }

    @Post(uri = "/exchange", consumes = MediaType.ALL, produces = MediaType.ALL)
    public CompletableFuture<HttpResponse<?>> exchange(HttpRequest<?> request, @Nullable @Body byte[] body,
                                                       @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return admit(request, body, authorization, parsed -> {
            Rendering.Rendered rendered = Rendering.render(exchange.exchange(parsed));
            return HttpResponse.ok(rendered.body()).contentType(rendered.contentType())
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
        });
    }

    @Post(uri = "/explain", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<?>> explain(HttpRequest<?> request, @Nullable @Body byte[] body,
                                                      @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return admit(request, body, authorization, parsed -> HttpResponse.ok(exchange.explain(parsed)));
    }

    private interface Handler {
        HttpResponse<?> handle(ExchangeRequest parsed) throws Exception;
    }

    /** Parses on the event loop, queues the work, and answers refusals as problem+json without throwing them to Micronaut. */
    private CompletableFuture<HttpResponse<?>> admit(HttpRequest<?> request, byte[] body, String authorization, Handler handler) {
        ExchangeRequest parsed;
        try {
            parsed = parse(request, body, authorization);
        } catch (KeywayException refused) {
            return CompletableFuture.completedFuture(Problems.of(request, refused));
        }
        ExchangeQueue.Lane lane = exchange.waitsOnNetwork(parsed.binding()) ? ExchangeQueue.Lane.NETWORK : ExchangeQueue.Lane.LOCAL;
        return queue.<HttpResponse<?>>submit(lane, () -> handler.handle(parsed)).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            return cause instanceof KeywayException refused ? Problems.of(request, refused) : Unexpected.response(request, cause);
        });
    }

    private ExchangeRequest parse(HttpRequest<?> request, byte[] body, String authorization) throws KeywayException {
        String clientIp = request.getRemoteAddress().getAddress().getHostAddress();
        return RequestParser.parse(body == null ? new byte[0] : body, Optional.ofNullable(authorization), maxBodyBytes,
                RequestIds.of(request), clientIp);
    }
}
