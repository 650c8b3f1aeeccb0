package dev.keyway.broker.api;

import dev.keyway.broker.problem.ErrorCode;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.netty.body.AvailableNettyByteBody;
import io.micronaut.http.server.netty.handler.OutboundAccess;
import io.micronaut.http.server.netty.handler.RequestHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /v1/exchange} answered ahead of Micronaut's router; every other request goes to the
 * router unchanged. Micronaut's connection handling stays in front of both (pipelined responses in
 * order, {@code Expect: 100-continue}, keep-alive, the body size limit); what this skips is
 * routing, the filter chain, argument binding and response encoding, which took more CPU per
 * exchange than all of Keyway's own work outside the signature math (docs/adr/0004). The answers
 * are the controller's, from the same {@link ExchangeEndpoint}: status, body, {@code Content-Type},
 * {@code Cache-Control}, {@code Retry-After}, {@code X-Request-Id} and {@code date} alike.
 */
final class ExchangeRoute implements RequestHandler {

    /**
     * Names are constants and values are ours (a content type, a number of seconds, a request id
     * that passed RequestIds' pattern or is a UUID): Netty's per-header validation has nothing to find.
     */
    private static final HttpHeadersFactory TRUSTED_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    /** The {@code date} header changes once a second; formatting it per response took 0.5% of the broker's CPU. */
    private record DateHeader(long second, String text) {
    }

    private static volatile DateHeader date = new DateHeader(-1, "");

    private final RequestHandler router;
    private final ExchangeEndpoint endpoint;
    private final String path;

    ExchangeRoute(RequestHandler router, ExchangeEndpoint endpoint, String path) {
        this.router = router;
        this.endpoint = endpoint;
        this.path = path;
    }

    @Override
    public void accept(ChannelHandlerContext ctx, HttpRequest request, CloseableByteBody body, OutboundAccess out) {
        if (!HttpMethod.POST.equals(request.method()) || !isExchange(request.uri())) {
            router.accept(ctx, request, body, out);
            return;
        }
        String requestId = RequestIds.pick(request.headers().get(RequestIds.HEADER));
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        body.buffer().whenComplete((available, failure) -> {
            if (failure != null) {
                body.close();
                write(out, request, requestId, unreadBody(requestId, failure));
                return;
            }
            byte[] bytes = bytes(available);
            endpoint.exchange(bytes, authorization, requestId, clientIp).whenComplete((reply, error) ->
                    write(out, request, requestId, error == null ? reply : ExchangeEndpoint.internalError(requestId, error)));
        });
    }

    private boolean isExchange(String uri) {
        return uri.startsWith(path) && (uri.length() == path.length() || uri.charAt(path.length()) == '?');
    }

    private static byte[] bytes(CloseableAvailableByteBody available) {
        try (available) {
            return available.toByteArray();
        }
    }

    private static boolean tooLarge(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof ContentLengthExceededException || cause instanceof BufferLengthExceededException;
    }

    /** The answers the router gives when a body cannot be read: too large, cut short, or a failure of ours. */
    private static ExchangeEndpoint.Reply unreadBody(String requestId, Throwable failure) {
        if (tooLarge(failure)) {
            return ExchangeEndpoint.problem(ErrorCode.PAYLOAD_TOO_LARGE, TooLarge.DETAIL, Map.of(), requestId, null);
        }
        if (Unexpected.clientLeft(failure)) {
            Unexpected.logClientLeft(requestId);
            return ExchangeEndpoint.problem(ErrorCode.INVALID_REQUEST, Unexpected.BODY_CUT_SHORT, Map.of(), requestId, null);
        }
        return ExchangeEndpoint.internalError(requestId, failure);
    }

    private static void write(OutboundAccess out, HttpRequest request, String requestId, ExchangeEndpoint.Reply reply) {
        DefaultHttpResponse response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.valueOf(reply.status()),
                TRUSTED_HEADERS);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        if (reply.cacheControl() != null) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, reply.cacheControl());
        }
        if (reply.retryAfter() != null) {
            headers.set(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
        }
        headers.set(HttpHeaderNames.DATE, date());
        headers.set(RequestIds.HEADER, requestId);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        out.write(response, new AvailableNettyByteBody(Unpooled.wrappedBuffer(reply.body())));
    }

    private static String date() {
        long now = System.currentTimeMillis() / 1000;
        DateHeader cached = date;
        if (cached.second() != now) {
            cached = new DateHeader(now, DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(now).atZone(ZoneOffset.UTC)));
            date = cached;
        }
        return cached.text();
    }

    @Override
    public void handleUnboundError(Throwable cause) {
        router.handleUnboundError(cause);
    }

    @Override
    public void responseWritten(Object attachment) {
        router.responseWritten(attachment); // the router's own requests carry an attachment; ours none
    }

    @Override
    public void removed() {
        router.removed();
    }
}
