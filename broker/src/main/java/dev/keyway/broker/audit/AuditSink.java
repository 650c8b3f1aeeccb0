package dev.keyway.broker.audit;

/** Where audit lines go. Implementations are thread-safe and never drop a line silently. */
public interface AuditSink {

    void write(String jsonLine);
}
