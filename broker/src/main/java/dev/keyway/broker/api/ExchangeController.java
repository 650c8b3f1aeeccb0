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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;

/**
 * {@code POST /v1/exchange} and {@code POST /v1/explain}. Runs on the blocking pool, never on a
 * Netty event loop: verification may fetch keys and stores may wait on the network.
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ExchangeController {

    private final ExchangeService exchange;
    private final int maxBodyBytes;
    private final InFlightLimit inFlight;

    public ExchangeController(ExchangeService exchange, KeywayConfiguration.Limits limits, InFlightLimit inFlight) {
        this.exchange = exchange;
        this.maxBodyBytes = limits.getMaxBodyBytes();
        this.inFlight = inFlight;
    }

    @Post(uri = "/exchange", consumes = MediaType.ALL, produces = MediaType.ALL)
    public HttpResponse<String> exchange(HttpRequest<?> request, @Nullable @Body byte[] body,
                                         @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) throws Exception {
        ExchangeRequest parsed = parse(request, body, authorization);
        Rendering.Rendered rendered = Rendering.render(inFlight.run(() -> exchange.exchange(parsed)));
        return HttpResponse.ok(rendered.body()).contentType(rendered.contentType())
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Post(uri = "/explain", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Explanation> explain(HttpRequest<?> request, @Nullable @Body byte[] body,
                                             @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) throws Exception {
        ExchangeRequest parsed = parse(request, body, authorization);
        return HttpResponse.ok(inFlight.run(() -> exchange.explain(parsed)));
    }

    private ExchangeRequest parse(HttpRequest<?> request, byte[] body, String authorization) throws KeywayException {
        String clientIp = request.getRemoteAddress().getAddress().getHostAddress();
        return RequestParser.parse(body == null ? new byte[0] : body, Optional.ofNullable(authorization), maxBodyBytes,
                RequestIds.of(request), clientIp);
    }
}
