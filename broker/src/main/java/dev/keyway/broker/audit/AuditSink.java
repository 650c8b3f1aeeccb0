package dev.keyway.broker.audit;

/** Where audit lines go. Implementations are thread-safe and never drop a line silently. */
public interface AuditSink {

    /** One event: UTF-8 JSON ended by a newline, serialized once for every sink. */
    void write(byte[] line);
}
