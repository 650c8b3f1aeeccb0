package dev.keyway.broker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.exchange.ExchangeRequest;
import dev.keyway.broker.exchange.ExchangeService;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /v1/exchange} and {@code /v1/explain} without HTTP types: parse the body on the event
 * loop, admit the work to the {@link ExchangeQueue}, and answer refusals as problem+json without
 * throwing them. Shared by {@link ExchangeController} (Micronaut's router) and {@link ExchangeRoute}
 * (the same endpoint ahead of the router), so both answer byte for byte alike.
 */
@Singleton
public class ExchangeEndpoint {

    /** What an exchange answers; {@code retryAfter} is the header's value or null. */
    record Reply(int status, String contentType, byte[] body, String retryAfter) {

        /** A credential is never cached; a refusal carries none. Null: no {@code Cache-Control} header. */
        String cacheControl() {
            return status == 200 ? "no-store" : null;
        }
    }

    /** What {@link #admit} turns a refusal or an unexpected failure into. */
    interface Answers<T> {
        T refused(KeywayException refusal);

        T failed(Throwable failure);
    }

    interface Handler<T> {
        T handle(ExchangeRequest parsed) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExchangeService exchange;
    private final int maxBodyBytes;
    private final ExchangeQueue queue;

    public ExchangeEndpoint(ExchangeService exchange, KeywayConfiguration.Limits limits, ExchangeQueue queue) {
        this.exchange = exchange;
        this.maxBodyBytes = limits.getMaxBodyBytes();
        this.queue = queue;
    }

    CompletableFuture<Reply> exchange(byte[] body, String authorization, String requestId, String clientIp) {
        return admit(body, authorization, requestId, clientIp, parsed -> {
            Rendering.Rendered rendered = Rendering.render(exchange.exchange(parsed));
            return new Reply(200, rendered.contentType(), rendered.body(), null);
        }, new Answers<>() {
            @Override
            public Reply refused(KeywayException refusal) {
                return problem(refusal.code(), refusal.getMessage(), refusal.extensions(), requestId,
                        Problems.retryAfterSeconds(refusal));
            }

            @Override
            public Reply failed(Throwable failure) {
                return internalError(requestId, failure);
            }
        });
    }

    /** Parses, picks the lane, queues {@code handler}; never throws. */
    <T> CompletableFuture<T> admit(byte[] body, String authorization, String requestId, String clientIp, Handler<T> handler,
                                   Answers<T> answers) {
        ExchangeRequest parsed;
        try {
            parsed = RequestParser.parse(body, Optional.ofNullable(authorization), maxBodyBytes, requestId, clientIp);
        } catch (KeywayException refused) {
            return CompletableFuture.completedFuture(answers.refused(refused));
        }
        ExchangeQueue.Lane lane = exchange.waitsOnNetwork(parsed.binding()) ? ExchangeQueue.Lane.NETWORK : ExchangeQueue.Lane.LOCAL;
        return queue.submit(lane, () -> handler.handle(parsed)).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            return cause instanceof KeywayException refused ? answers.refused(refused) : answers.failed(cause);
        });
    }

    /** A failure Keyway did not foresee: logged without messages (Unexpected), answered 500 with the request id only. */
    static Reply internalError(String requestId, Throwable failure) {
        Unexpected.log(requestId, failure);
        return problem(ErrorCode.INTERNAL_ERROR, Unexpected.DETAIL, Map.of(), requestId, null);
    }

    static Reply problem(ErrorCode code, String detail, Map<String, Object> extensions, String requestId, Long retryAfterSeconds) {
        try {
            return new Reply(code.status(), Problems.CONTENT_TYPE,
                    JSON.writeValueAsBytes(Problems.body(code, detail, extensions, requestId)),
                    Problems.retryAfter(code, retryAfterSeconds));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem body is plain strings and numbers", e);
        }
    }
}
