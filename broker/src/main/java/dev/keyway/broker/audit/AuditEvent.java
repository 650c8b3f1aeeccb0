package dev.keyway.broker.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One decision (CONTRACT §6). Built only from verified or caller-visible facts: never a token,
 * key or secret. Absent parts (no identity before verification) are left out of the JSON.
 * {@code replayCheck} is {@code skipped} when the store was down and policy said to go on anyway.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
        String time,
        String event,
        String requestId,
        String decision,
        String code,
        String binding,
        String grant,
        String issuer,
        String subject,
        Map<String, String> identity,
        List<Map<String, String>> mismatches,
        Credential credential,
        Client client,
        String reason,
        String replayCheck,
        double latencyMs) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credential(String expiresAt, String id) {
    }

    public record Client(String ip) {
    }
}
