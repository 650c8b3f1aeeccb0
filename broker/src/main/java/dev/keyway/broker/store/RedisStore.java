package dev.keyway.broker.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Replay and rate-limit state shared by every replica, in Redis. One connection, pipelined by
 * Lettuce; every command has a short timeout, and while disconnected commands fail at once rather
 * than queue, so a Redis outage turns into a fast, explicit decision (fail closed or skip) instead
 * of stalled requests. Lettuce reconnects in the background. Calls come from worker threads, never
 * from a Netty event loop.
 */
public final class RedisStore implements ReplayStore, RateLimiter, AutoCloseable {

    /**
     * A token bucket in one round trip, timed by the Redis server's clock so replicas with skewed
     * clocks share one notion of time. Returns {granted (1/0), milliseconds to wait}.
     */
    static final String TOKEN_BUCKET = """
            redis.replicate_commands()
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(b[1]) or capacity
            local at = tonumber(b[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / per_ms) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / per_ms) + 1000)
            return {wait == 0 and 1 or 0, wait}
            """;

    /** How to open a connection: a standalone/Sentinel client or a Cluster client; both speak RedisClusterCommands. */
    private interface Connector {
        Opened open();

        void shutdown();
    }

    private record Opened(AutoCloseable connection, RedisClusterCommands<String, String> commands) {
    }

    private final Connector connector;
    private final String uri;
    private volatile Opened opened;
    private volatile String bucketSha;
    private volatile long nextConnectAttempt;

    private RedisStore(Connector connector, String uri) {
        this.connector = connector;
        this.uri = uri;
    }

    /**
     * For {@code redis://}, {@code rediss://} (TLS) or {@code redis-sentinel://} URIs. Does not
     * connect yet: the broker starts while Redis is down, and the first call (or readiness) connects.
     */
    public static RedisStore create(String uri, Duration commandTimeout) {
        return create(uri, commandTimeout, Optional.empty());
    }

    /** {@code caFile}: PEM certificates to trust for {@code rediss://} (a private CA), instead of the JVM's. */
    public static RedisStore create(String uri, Duration commandTimeout, Optional<java.nio.file.Path> caFile) {
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout));
        caFile.ifPresent(ca -> options.sslOptions(io.lettuce.core.SslOptions.builder().jdkSslProvider()
                .trustManager(ca.toFile()).build()));
        client.setOptions(options.build());
        return new RedisStore(new Connector() {
            @Override
            public Opened open() {
                StatefulRedisConnection<String, String> connection = client.connect();
                return new Opened(connection, connection.sync());
            }

            @Override
            public void shutdown() {
                client.shutdown();
            }
        }, uri);
    }

    /**
     * For Redis Cluster: {@code uri} names one or more seed nodes ({@code redis://a:7000,b:7001}).
     * Keys are single-slot by construction (one key per command), so every command routes to one node.
     */
    public static RedisStore createCluster(String uri, Duration commandTimeout) {
        List<RedisURI> seeds = java.util.Arrays.stream(uri.replaceFirst("^(rediss?://)", "").split(","))
                .map(node -> RedisURI.create(uri.startsWith("rediss://") ? "rediss://" + node : "redis://" + node)).toList();
        RedisClusterClient client = RedisClusterClient.create(seeds);
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
                .build());
        return new RedisStore(new Connector() {
            @Override
            public Opened open() {
                StatefulRedisClusterConnection<String, String> connection = client.connect();
                return new Opened(connection, connection.sync());
            }

            @Override
            public void shutdown() {
                client.shutdown();
            }
        }, uri);
    }

    /** The commands, connecting on first need; while Redis is unreachable, at most one attempt a second. */
    private RedisClusterCommands<String, String> redis() throws StoreUnavailableException {
        Opened current = opened;
        if (current != null) {
            return current.commands();
        }
        synchronized (this) {
            if (opened != null) {
                return opened.commands();
            }
            if (System.currentTimeMillis() < nextConnectAttempt) {
                throw new StoreUnavailableException("Redis at " + redacted(uri) + " is unreachable", null);
            }
            try {
                Opened fresh = connector.open();
                bucketSha = fresh.commands().scriptLoad(TOKEN_BUCKET);
                opened = fresh;
                return fresh.commands();
            } catch (RedisException e) {
                nextConnectAttempt = System.currentTimeMillis() + 1000;
                throw new StoreUnavailableException("cannot connect to Redis at " + redacted(uri) + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean firstUse(String key, Instant forgetAfter) throws StoreUnavailableException {
        long ttl = Math.max(1, forgetAfter.toEpochMilli() - System.currentTimeMillis());
        try {
            return "OK".equals(redis().set(key, "1", SetArgs.Builder.nx().px(ttl)));
        } catch (RedisException e) {
            throw new StoreUnavailableException("Redis: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Duration> acquire(String key, RateLimit limit) throws StoreUnavailableException {
        RedisClusterCommands<String, String> redis = redis();
        try {
            try {
                return takeToken(redis, key, limit);
            } catch (io.lettuce.core.RedisNoScriptException e) {
                bucketSha = redis.scriptLoad(TOKEN_BUCKET); // Redis restarted and forgot the script
                return takeToken(redis, key, limit);
            }
        } catch (RedisException e) {
            throw new StoreUnavailableException("Redis: " + e.getMessage(), e);
        }
    }

    private Optional<Duration> takeToken(RedisClusterCommands<String, String> redis, String key, RateLimit limit) {
        List<Long> result = redis.evalsha(bucketSha, ScriptOutputType.MULTI, new String[] {key},
                Long.toString(limit.permits()), Double.toString(limit.refillPerMilli()));
        return result.get(0) == 1L ? Optional.empty() : Optional.of(Duration.ofMillis(result.get(1)));
    }

    /** Appends one entry to a stream, trimmed approximately to {@code maxLength} (cheap: whole nodes go). */
    public void append(String stream, long maxLength, java.util.Map<String, String> fields) throws StoreUnavailableException {
        try {
            redis().xadd(stream, io.lettuce.core.XAddArgs.Builder.maxlen(maxLength).approximateTrimming(), fields);
        } catch (RedisException e) {
            throw new StoreUnavailableException("Redis: " + e.getMessage(), e);
        }
    }

    /** For readiness: a round trip answered in time. */
    public boolean healthy() {
        try {
            return "PONG".equals(redis().ping());
        } catch (RedisException | StoreUnavailableException e) {
            return false;
        }
    }

    /** A URI for messages: the password, if any, replaced. */
    static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    @Override
    public void close() {
        Opened open = opened;
        if (open != null) {
            try {
                open.connection().close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        connector.shutdown();
    }
}
