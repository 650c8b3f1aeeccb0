package dev.keyway.broker.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.json.JsonBytes;
import dev.keyway.broker.store.StoreFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serializes each event once and hands the line to every configured sink. */
@Singleton
public class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final List<AuditSink> sinks;

    @jakarta.inject.Inject
    public AuditLog(KeywayConfiguration.Audit configuration, StoreFactory.Store store, MeterRegistry registry) throws IOException {
        this(sinks(configuration.getSinks(), configuration.getStreamMaxLength(), store, registry));
    }

    public AuditLog(List<AuditSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    static List<AuditSink> sinks(List<String> names, long streamMaxLength, StoreFactory.Store store, MeterRegistry registry)
            throws IOException {
        List<AuditSink> sinks = new ArrayList<>();
        for (String name : names) {
            if (name.equals("stdout")) {
                sinks.add(new StdoutSink(System.out));
            } else if (name.startsWith("file:")) {
                sinks.add(new FileSink(Path.of(name.substring("file:".length()))));
            } else if (name.equals("redis-stream")) {
                if (store.redis() == null) {
                    throw new IOException("keyway.audit.sinks: redis-stream needs keyway.store.type: redis");
                }
                sinks.add(new RedisStreamSink(store.redis(), streamMaxLength, new StdoutSink(System.out), Counter.builder("keyway.audit.fallback")
                        .description("Audit events that went to stdout because the Redis stream was unreachable")
                        .register(registry)));
            } else {
                throw new IOException("keyway.audit.sinks: unknown sink '" + name + "' (use stdout, file:/path or redis-stream)");
            }
        }
        return sinks;
    }

    public void record(AuditEvent event) {
        byte[] line;
        try {
            line = JsonBytes.of(out -> {
                write(out, event);
                out.writeRaw('\n');
            });
        } catch (UncheckedIOException e) {
            LOG.error("cannot serialize an audit event for request {}", event.requestId(), e);
            return;
        }
        for (AuditSink sink : sinks) {
            try {
                sink.write(line);
            } catch (RuntimeException e) {
                // Never lose a decision: if a sink fails, the line still reaches the log.
                LOG.error("audit sink {} failed; event: {}", sink.getClass().getSimpleName(),
                        new String(line, 0, line.length - 1, StandardCharsets.UTF_8), e);
            }
        }
    }

    /** The event as its record would serialize through Jackson ({@code @JsonInclude(NON_NULL)}), field by field. */
    static void write(JsonGenerator out, AuditEvent event) throws IOException {
        out.writeStartObject();
        JsonBytes.fieldIfPresent(out, "time", event.time());
        JsonBytes.fieldIfPresent(out, "event", event.event());
        JsonBytes.fieldIfPresent(out, "requestId", event.requestId());
        JsonBytes.fieldIfPresent(out, "decision", event.decision());
        JsonBytes.fieldIfPresent(out, "code", event.code());
        JsonBytes.fieldIfPresent(out, "binding", event.binding());
        JsonBytes.fieldIfPresent(out, "grant", event.grant());
        JsonBytes.fieldIfPresent(out, "issuer", event.issuer());
        JsonBytes.fieldIfPresent(out, "subject", event.subject());
        JsonBytes.fieldIfPresent(out, "identity", event.identity());
        JsonBytes.fieldIfPresent(out, "mismatches", event.mismatches());
        if (event.credential() != null) {
            out.writeFieldName("credential");
            out.writeStartObject();
            JsonBytes.fieldIfPresent(out, "expiresAt", event.credential().expiresAt());
            JsonBytes.fieldIfPresent(out, "id", event.credential().id());
            out.writeEndObject();
        }
        if (event.client() != null) {
            out.writeFieldName("client");
            out.writeStartObject();
            out.writeFieldName("ip");
            JsonBytes.value(out, event.client().ip());
            out.writeEndObject();
        }
        JsonBytes.fieldIfPresent(out, "reason", event.reason());
        JsonBytes.fieldIfPresent(out, "replayCheck", event.replayCheck());
        out.writeNumberField("latencyMs", event.latencyMs());
        out.writeEndObject();
    }
}
