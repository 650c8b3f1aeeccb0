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
     * A token bucket, timed by the Redis server's clock so replicas with skewed clocks share one
     * notion of time: takes a permit if there is one, returns 0, or the milliseconds until one is.
     */
    private static final String TAKE = """
            redis.replicate_commands()
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function take(key, capacity, ms_per_permit)
              local b = redis.call('HMGET', key, 'tokens', 'at')
              local tokens = tonumber(b[1]) or capacity
              local at = tonumber(b[2]) or now
              tokens = math.min(capacity, tokens + math.max(0, now - at) / ms_per_permit)
              local wait = 0
              if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * ms_per_permit) end
              redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
              redis.call('PEXPIRE', key, math.ceil((capacity - tokens) * ms_per_permit) + 1000)
              return wait
            end
            """;

    /** One bucket in one round trip. Returns {granted (1/0), milliseconds to wait}. */
    static final String TOKEN_BUCKET = TAKE + """
            local wait = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
            return {wait == 0 and 1 or 0, wait}
            """;

    /**
     * An exchange's store checks in one round trip: ARGV[1] buckets (KEYS[i], capacity and
     * milliseconds per permit in ARGV[2i], ARGV[2i+1]) in order, stopping at the first without a
     * permit; then, if a further key is given and every bucket granted, the replay key's SET NX
     * with ARGV[2n+2] ms to live.
     * Returns {number of the bucket that refused or 0, milliseconds to wait, replay: 1 first use,
     * 0 used before, -1 not asked}.
     */
    static final String ADMIT = TAKE + """
            local n = tonumber(ARGV[1])
            for i = 1, n do
              local wait = take(KEYS[i], tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1]))
              if wait > 0 then return {i, wait, -1} end
            end
            if #KEYS > n then
              local first = redis.call('SET', KEYS[n + 1], '1', 'NX', 'PX', tonumber(ARGV[2 * n + 2]))
              return {0, 0, first and 1 or 0}
            end
            return {0, 0, -1}
            """;

    private static final String TOKEN_BUCKET_SHA = sha1(TOKEN_BUCKET);
    private static final String ADMIT_SHA = sha1(ADMIT);

    /** How to open a connection: a standalone/Sentinel client or a Cluster client; both speak RedisClusterCommands. */
    private interface Connector {
        Opened open();

        void shutdown();
    }

    private record Opened(AutoCloseable connection, RedisClusterCommands<String, String> commands) {
    }

    /**
     * What {@link #admit} found: the first bucket that had no permit (null when all granted) and
     * how long until it has one; whether the replay key was new (null when not asked or not reached).
     */
    public record Admitted(RateBucket refusedBy, Duration waitFor, Boolean firstUse) {
    }

    private final Connector connector;
    private final String uri;
    private final boolean cluster;
    private volatile Opened opened;
    private volatile long nextConnectAttempt;

    private RedisStore(Connector connector, String uri, boolean cluster) {
        this.connector = connector;
        this.uri = uri;
        this.cluster = cluster;
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
        }, uri, false);
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
        }, uri, true);
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
                fresh.commands().scriptLoad(TOKEN_BUCKET);
                fresh.commands().scriptLoad(ADMIT);
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
        List<Long> result = eval(TOKEN_BUCKET, TOKEN_BUCKET_SHA, new String[] {key},
                Long.toString(limit.permits()), Double.toString(limit.millisPerPermit()));
        return result.get(0) == 1L ? Optional.empty() : Optional.of(Duration.ofMillis(result.get(1)));
    }

    /**
     * Whether {@link #admit} works here. Redis Cluster keeps keys of one script on one node, and an
     * exchange's buckets and replay key hash to different slots: there the checks go one by one.
     */
    public boolean admitsInOneTrip() {
        return !cluster;
    }

    /**
     * An exchange's store checks in one round trip instead of one per check: a permit from each
     * bucket in order, stopping at the first that has none (later buckets keep theirs), then, when
     * {@code replayKey} is not null and every bucket granted, {@link #firstUse}'s check of the key.
     * Atomic on the server, like each check alone.
     */
    public Admitted admit(List<RateBucket> buckets, String replayKey, Instant forgetAfter) throws StoreUnavailableException {
        if (cluster) {
            throw new IllegalStateException("admit needs one node for all keys; with Redis Cluster check one by one");
        }
        if (buckets.isEmpty()) {
            // No rate limits configured: a plain SET costs Redis less than a script.
            return new Admitted(null, Duration.ZERO, replayKey == null ? null : firstUse(replayKey, forgetAfter));
        }
        String[] keys = new String[buckets.size() + (replayKey == null ? 0 : 1)];
        String[] args = new String[1 + 2 * buckets.size() + (replayKey == null ? 0 : 1)];
        args[0] = Integer.toString(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            keys[i] = buckets.get(i).key();
            args[1 + 2 * i] = Long.toString(buckets.get(i).limit().permits());
            args[2 + 2 * i] = Double.toString(buckets.get(i).limit().millisPerPermit());
        }
        if (replayKey != null) {
            keys[buckets.size()] = replayKey;
            args[args.length - 1] = Long.toString(Math.max(1, forgetAfter.toEpochMilli() - System.currentTimeMillis()));
        }
        List<Long> result = eval(ADMIT, ADMIT_SHA, keys, args);
        int refused = result.get(0).intValue();
        long replay = result.get(2);
        return new Admitted(refused == 0 ? null : buckets.get(refused - 1), Duration.ofMillis(result.get(1)),
                replay < 0 ? null : replay == 1);
    }

    private List<Long> eval(String script, String sha, String[] keys, String... args) throws StoreUnavailableException {
        RedisClusterCommands<String, String> redis = redis();
        try {
            try {
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            } catch (io.lettuce.core.RedisNoScriptException e) {
                redis.scriptLoad(script); // Redis restarted and forgot the script
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            }
        } catch (RedisException e) {
            throw new StoreUnavailableException("Redis: " + e.getMessage(), e);
        }
    }

    /** Scripts are called by their SHA-1, as Redis names them, so a call does not resend the script. */
    private static String sha1(String script) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
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
