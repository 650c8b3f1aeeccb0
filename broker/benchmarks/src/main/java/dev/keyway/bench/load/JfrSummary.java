package dev.keyway.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the broker's CPU went during a JFR recording: each execution sample is charged to the
 * pipeline step nearest its leaf frame (so Jackson inside the audit log counts as audit, BigInteger
 * inside TokenVerifier as verify), plus the hottest leaf methods and the GC pauses.
 */
final class JfrSummary {

    /** Step markers, matched against "class.method" from the leaf down; the first hit wins. */
    private static final List<String[]> STEPS = List.of(
            new String[] {"dev.keyway.broker.keys.SigningKeys.sign", "sign the minted JWT (SigningKeys, ES256 via BC)"},
            new String[] {"dev.keyway.broker.issuer.TokenVerifier.verify", "verify the incoming token (TokenVerifier)"},
            new String[] {"dev.keyway.broker.profile.Profile.identify", "identify (profile normalization)"},
            new String[] {"dev.keyway.broker.policy.Binding.evaluate", "match (binding conditions + guard)"},
            new String[] {"dev.keyway.broker.policy.PolicySet.binding", "match (binding lookup)"},
            new String[] {"dev.keyway.broker.exchange.Admission.", "replay check / rate limits (store)"},
            new String[] {"dev.keyway.providers.jwt.JwtIssuer.issue", "mint: jwt claims and templates"},
            new String[] {"dev.keyway.broker.audit.AuditLog.record", "audit event (JSON + sink)"},
            new String[] {"dev.keyway.broker.exchange.ExchangeMetrics.record", "metrics (Micrometer)"},
            new String[] {"dev.keyway.broker.exchange.ExchangeService.", "pipeline glue (ExchangeService)"},
            new String[] {"dev.keyway.broker.api.RequestParser.", "request body parsing"},
            new String[] {"dev.keyway.broker.api.Rendering.", "response rendering"},
            new String[] {"dev.keyway.broker.api.", "controller / request ids"},
            new String[] {"io.lettuce.", "Redis client (Lettuce)"},
            new String[] {"io.netty.", "HTTP: Netty I/O and codec"},
            new String[] {"io.micronaut.", "HTTP: Micronaut routing, filters, response"},
            new String[] {"io.micrometer.", "metrics (Micrometer)"});

    record Summary(long samples, Map<String, Long> bySteps, Map<String, Long> topLeaves, long gcCount, Duration gcPauses,
                   Duration recording) {

        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "JFR: %,d execution samples over %.1f s; %d GCs, %d ms paused in total%n%n",
                    samples, recording.toMillis() / 1000.0, gcCount, gcPauses.toMillis()));
            out.append("| where the samples fall (nearest pipeline step to the leaf) | share |\n| --- | ---: |\n");
            bySteps.forEach((step, n) -> out.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", step, 100.0 * n / samples)));
            out.append("\n| hottest leaf methods | share |\n| --- | ---: |\n");
            topLeaves.forEach((method, n) -> out.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", method, 100.0 * n / samples)));
            return out.toString();
        }
    }

    private JfrSummary() {
    }

    /** Samples between {@code from} and {@code to} only; GCs likewise. */
    static Summary summarize(Path recording, java.time.Instant from, java.time.Instant to) throws IOException {
        Map<String, Long> steps = new HashMap<>();
        Map<String, Long> leaves = new HashMap<>();
        long samples = 0;
        long gcCount = 0;
        Duration pauses = Duration.ZERO;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                continue;
            }
            if (first == null || event.getStartTime().isBefore(first)) {
                first = event.getStartTime();
            }
            if (last == null || event.getEndTime().isAfter(last)) {
                last = event.getEndTime();
            }
            if (type.equals("jdk.GarbageCollection")) {
                gcCount++;
                pauses = pauses.plus(event.getDuration("sumOfPauses"));
            } else if (type.equals("jdk.ExecutionSample")) {
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                leaves.merge(name(stack.getFrames().get(0).getMethod()), 1L, Long::sum);
                steps.merge(step(stack.getFrames()), 1L, Long::sum);
            }
        }
        return new Summary(samples, sorted(steps, 30), sorted(leaves, 15), gcCount, pauses,
                first == null ? Duration.ZERO : Duration.between(first, last));
    }

    private static String step(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String name = name(frame.getMethod());
            for (String[] step : STEPS) {
                if (name.startsWith(step[0])) {
                    return step[1];
                }
            }
        }
        return "other (JDK, threads not serving requests)";
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    private static Map<String, Long> sorted(Map<String, Long> counts, int limit) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
