package dev.keyway.broker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyway.broker.config.KeywayConfiguration;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serializes each event once and hands the line to every configured sink. */
@Singleton
public class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final ObjectMapper json = new ObjectMapper();
    private final List<AuditSink> sinks;

    public AuditLog(KeywayConfiguration.Audit configuration) throws IOException {
        this(sinks(configuration.getSinks()));
    }

    public AuditLog(List<AuditSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    static List<AuditSink> sinks(List<String> names) throws IOException {
        List<AuditSink> sinks = new ArrayList<>();
        for (String name : names) {
            if (name.equals("stdout")) {
                sinks.add(new StdoutSink(System.out));
            } else if (name.startsWith("file:")) {
                sinks.add(new FileSink(Path.of(name.substring("file:".length()))));
            } else {
                throw new IOException("keyway.audit.sinks: unknown sink '" + name + "' (use stdout or file:/path)");
            }
        }
        return sinks;
    }

    public void record(AuditEvent event) {
        String line;
        try {
            line = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.error("cannot serialize an audit event for request {}", event.requestId(), e);
            return;
        }
        for (AuditSink sink : sinks) {
            try {
                sink.write(line);
            } catch (RuntimeException e) {
                // Never lose a decision: if a sink fails, the line still reaches the log.
                LOG.error("audit sink {} failed; event: {}", sink.getClass().getSimpleName(), line, e);
            }
        }
    }
}
