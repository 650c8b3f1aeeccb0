package dev.keyway.broker.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.http.server.netty.handler.PipeliningServerHandler;
import io.micronaut.http.server.netty.handler.RequestHandler;
import io.netty.channel.Channel;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link ExchangeRoute} in front of Micronaut's router on every HTTP/1.1 connection. Micronaut
 * offers no hook for this: its per-connection {@code PipeliningServerHandler} takes the router as
 * a private field, which this replaces with the route wrapping it, before the connection reads a
 * request. If a Micronaut upgrade moves that field, start-up logs a warning and the router serves
 * {@code /v1/exchange} as before (the controller is the same endpoint); ExchangeRouteTest fails, so
 * the upgrade is noticed. HTTP/2 connections use another handler and keep the router.
 * {@code keyway.http.exchange-route: false} turns it off.
 */
@Singleton
@Requires(property = "keyway.http.exchange-route", notEquals = "false")
final class ExchangeRouteInstaller implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeRouteInstaller.class);
    private static final Field ROUTER = routerField();

    private final ExchangeEndpoint endpoint;
    private final String path;

    ExchangeRouteInstaller(ExchangeEndpoint endpoint, @Value("${micronaut.server.context-path:}") String contextPath) {
        this.endpoint = endpoint;
        String prefix = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        this.path = (prefix.isEmpty() || prefix.startsWith("/") ? prefix : "/" + prefix) + "/v1/exchange";
    }

    /** Whether this Micronaut has the field the route is installed through. */
    static boolean available() {
        return ROUTER != null;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        if (ROUTER != null) {
            event.getBean().register(new Customizer(null));
        }
        return event.getBean();
    }

    /** Registered once; specialized per connection, where it swaps the router for the route. */
    private final class Customizer implements NettyServerCustomizer {
        private final Channel connection;

        Customizer(Channel connection) {
            this.connection = connection;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (connection != null
                    && connection.pipeline().get(ChannelPipelineCustomizer.HANDLER_MICRONAUT_INBOUND) instanceof PipeliningServerHandler handler) {
                install(handler);
            }
        }
    }

    private void install(PipeliningServerHandler handler) {
        try {
            if (ROUTER.get(handler) instanceof RequestHandler router && !(router instanceof ExchangeRoute)) {
                ROUTER.set(handler, new ExchangeRoute(router, endpoint, path));
            }
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot serve /v1/exchange ahead of Micronaut's router on this connection ({}); the router serves it",
                    e.getClass().getSimpleName());
        }
    }

    private static Field routerField() {
        try {
            Field field = PipeliningServerHandler.class.getDeclaredField("requestHandler");
            if (!RequestHandler.class.equals(field.getType()) || Modifier.isStatic(field.getModifiers())) {
                throw new NoSuchFieldException("requestHandler is not the request handler");
            }
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            LOG.warn("this Micronaut version has no PipeliningServerHandler."
                    + "requestHandler ({}); /v1/exchange goes through the router (slower, same answers)", e.getClass().getSimpleName());
            return null;
        }
    }
}
