package dev.keyway.broker.audit;

import dev.keyway.broker.store.RedisStore;
import dev.keyway.broker.store.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Audit events from every replica in one Redis stream ({@code XADD ... MAXLEN ~}), so operators
 * tail decisions in one place. When Redis cannot take an event it goes to standard output instead,
 * never dropped silently, and the fallback is counted.
 */
final class RedisStreamSink implements AuditSink {

    static final String STREAM = "keyway:audit";

    private final RedisStore redis;
    private final long maxLength;
    private final AuditSink fallback;
    private final Counter fellBack;

    RedisStreamSink(RedisStore redis, long maxLength, AuditSink fallback, Counter fellBack) {
        this.redis = redis;
        this.maxLength = maxLength;
        this.fallback = fallback;
        this.fellBack = fellBack;
    }

    @Override
    public void write(byte[] line) {
        try {
            // The stream entry holds the JSON without the line's newline.
            redis.append(STREAM, maxLength, Map.of("event", new String(line, 0, line.length - 1, StandardCharsets.UTF_8)));
        } catch (StoreUnavailableException e) {
            fellBack.increment();
            fallback.write(line);
        }
    }
}
