package dev.keyway.broker.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The audit line is written field by field; Jackson's serialization of the record is the reference. */
class AuditLogTest {

    private static final ObjectMapper REFERENCE = new ObjectMapper();

    @Test
    void everyCombinationOfPresentAndAbsentPartsSerializesAsTheRecordDoes() throws Exception {
        List<byte[]> lines = new ArrayList<>();
        AuditLog log = new AuditLog(List.of(lines::add));
        Random random = new Random(3);
        for (int i = 0; i < 3_000; i++) {
            AuditEvent event = event(random);
            log.record(event);
            byte[] expected = REFERENCE.writeValueAsBytes(event);
            expected = Arrays.copyOf(expected, expected.length + 1);
            expected[expected.length - 1] = '\n';
            assertArrayEquals(expected, lines.get(i), "event " + i + ": " + new String(expected, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aFailingSinkDoesNotKeepTheLineFromTheOthers() {
        List<byte[]> lines = new ArrayList<>();
        AuditLog log = new AuditLog(List.of(line -> {
            throw new IllegalStateException("disk full");
        }, lines::add));
        log.record(new AuditEvent("t", "exchange", "r1", "deny", "denied", null, null, null, null, null, null, null, null, null, null, 0.5));
        assertEquals(1, lines.size());
        assertEquals("{\"time\":\"t\",\"event\":\"exchange\",\"requestId\":\"r1\",\"decision\":\"deny\",\"code\":\"denied\",\"latencyMs\":0.5}\n",
                new String(lines.get(0), StandardCharsets.UTF_8));
    }

    private static AuditEvent event(Random random) {
        Map<String, String> identity = null;
        if (random.nextBoolean()) {
            identity = new LinkedHashMap<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                identity.put(text(random), random.nextInt(5) == 0 ? null : text(random));
            }
        }
        List<Map<String, String>> mismatches = null;
        if (random.nextBoolean()) {
            mismatches = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                Map<String, String> mismatch = new LinkedHashMap<>();
                mismatch.put("claim", text(random));
                mismatch.put("expected", maybe(random));
                mismatches.add(mismatch);
            }
        }
        AuditEvent.Credential credential = random.nextBoolean() ? new AuditEvent.Credential(maybe(random), maybe(random)) : null;
        AuditEvent.Client client = random.nextBoolean() ? new AuditEvent.Client(maybe(random)) : null;
        double latency = switch (random.nextInt(4)) {
            case 0 -> 0.0;
            case 1 -> random.nextDouble() * 1e-4;
            case 2 -> Math.round(random.nextDouble() * 100_000) / 100.0;
            default -> random.nextDouble() * 1e9;
        };
        return new AuditEvent(maybe(random), maybe(random), maybe(random), maybe(random), maybe(random), maybe(random),
                maybe(random), maybe(random), maybe(random), identity, mismatches, credential, client, maybe(random), maybe(random), latency);
    }

    private static String maybe(Random random) {
        return random.nextInt(3) == 0 ? null : text(random);
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(10); i > 0; i--) {
            text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
