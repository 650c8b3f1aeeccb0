package dev.keyway.broker.exchange;

import dev.keyway.broker.audit.AuditEvent;
import dev.keyway.broker.audit.AuditLog;
import dev.keyway.broker.issuer.IssuerKeys;
import dev.keyway.broker.issuer.TokenVerifier;
import dev.keyway.broker.issuer.VerifiedToken;
import dev.keyway.broker.policy.Binding;
import dev.keyway.broker.policy.ConditionResult;
import dev.keyway.broker.policy.Decision;
import dev.keyway.broker.policy.PolicyHolder;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one pipeline: verify → identify → match → replay check → issue → audit. Each step refuses
 * with a stable code; exactly one audit event is written per request, from a {@code finally}.
 * Runs on a worker thread (the controller makes sure): key fetches and stores may block.
 */
public final class ExchangeService {

    private final PolicyHolder policies;
    private final TokenVerifier verifier;
    private final IssuerKeys issuerKeys;
    private final Admission admission;
    private final AuditLog audit;
    private final BrokerContext broker;
    private final ExchangeMetrics metrics;
    private final Clock clock;
    private final boolean explainFull;
    private volatile PolicySet lastSeenPolicy;

    ExchangeService(PolicyHolder policies, TokenVerifier verifier, IssuerKeys issuerKeys, Admission admission,
                    AuditLog audit, BrokerContext broker, ExchangeMetrics metrics, Clock clock,
                    boolean explainFull) {
        this.policies = policies;
        this.verifier = verifier;
        this.issuerKeys = issuerKeys;
        this.admission = admission;
        this.audit = audit;
        this.broker = broker;
        this.metrics = metrics;
        this.clock = clock;
        this.explainFull = explainFull;
    }

    /** What is known about a request so far: the audit event is built from it whatever happens. */
    private static final class Trail {
        final long started = System.nanoTime();
        final String event;
        VerifiedToken token;
        Identity identity;
        Binding binding;
        Decision decision;
        IssuedCredential credential;
        Admission.ReplayCheck replayCheck;
        ErrorCode code;
        String reason;

        Trail(String event) {
            this.event = event;
        }
    }

    /**
     * Whether the named binding's grant waits on a cloud API, to pick the threads that run it. Read
     * before the token is verified, so it decides nothing but scheduling; unknown names are local
     * (they fail fast).
     */
    public boolean waitsOnNetwork(String binding) {
        return policies.current().flatMap(policy -> policy.binding(binding))
                .map(found -> found.grant().provider().waitsOnNetwork())
                .orElse(false);
    }

    public Exchanged exchange(ExchangeRequest request) throws KeywayException {
        return audited(request, "exchange", trail -> {
            Binding binding = evaluate(request, trail);
            Duration ttl = null;
            KeywayException refusal = null;
            try {
                if (!trail.decision.allowed()) {
                    throw denied(trail.decision);
                }
                checkFormat(request, binding);
                ttl = ttl(request, binding);
            } catch (KeywayException e) {
                refusal = e; // answered after the rate check, which counts refused attempts too
            }
            trail.replayCheck = admission.admit(trail.token, binding, trail.identity, refusal == null);
            if (refusal != null) {
                throw refusal;
            }
            trail.credential = issue(request, binding, trail.identity, ttl);
            return new Exchanged(binding.name(), binding.grant().type(), trail.credential, request.requestId(), request.format());
        });
    }

    public Explanation explain(ExchangeRequest request) throws KeywayException {
        return audited(request, "explain", trail -> explanation(evaluate(request, trail), trail.decision, trail.identity));
    }

    /** One step of the pipeline that records what it learns in the trail. */
    @FunctionalInterface
    private interface Step<T> {
        T run(Trail trail) throws KeywayException;
    }

    /** Runs {@code step} and writes exactly one audit event for it, whatever happens. */
    private <T> T audited(ExchangeRequest request, String event, Step<T> step) throws KeywayException {
        Trail trail = new Trail(event);
        try {
            return step.run(trail);
        } catch (KeywayException e) {
            trail.code = e.code();
            trail.reason = e.getMessage();
            throw e;
        } catch (RuntimeException | Error e) {
            // Audited as what it is, never as allowed; the message may quote input, so only the type is kept.
            trail.code = ErrorCode.INTERNAL_ERROR;
            trail.reason = "unexpected " + e.getClass().getName();
            throw e;
        } finally {
            finish(request, trail);
        }
    }

    /** verify → identify → find the binding → match. Verification comes first so callers cannot probe binding names. */
    private Binding evaluate(ExchangeRequest request, Trail trail) throws KeywayException {
        PolicySet policy = policies.current().orElseThrow(() -> KeywayException.unavailable(
                "no policy is loaded; see /health/readiness for the errors", Duration.ofSeconds(10), null));
        if (policy != lastSeenPolicy) {
            issuerKeys.afterReload(policy.issuers());
            lastSeenPolicy = policy;
        }
        trail.token = verifier.verify(request.token(), policy);
        var issuer = trail.token.issuer();
        trail.identity = issuer.profile().identify(issuer.name(), trail.token.claims());
        Binding binding = policy.binding(request.binding()).orElseThrow(() -> new KeywayException(ErrorCode.BINDING_NOT_FOUND,
                "binding '" + request.binding() + "' does not exist"));
        trail.binding = binding;
        if (!binding.issuer().name().equals(issuer.name())) {
            trail.decision = new Decision(binding.name(), false, List.of(new ConditionResult("iss",
                    String.valueOf(trail.token.claims().get("iss")), false, "binding accepts tokens from another issuer")));
        } else {
            trail.decision = binding.evaluate(trail.identity);
        }
        return binding;
    }

    private static KeywayException denied(Decision decision) {
        List<Map<String, String>> mismatches = mismatches(decision);
        return new KeywayException(ErrorCode.BINDING_DENIED, "binding '" + decision.binding() + "' does not match this token: "
                + String.join(", ", mismatches.stream().map(m -> m.get("claim")).toList()),
                Map.of("mismatches", mismatches), null, null);
    }

    private static List<Map<String, String>> mismatches(Decision decision) {
        List<Map<String, String>> out = new ArrayList<>();
        for (ConditionResult c : decision.mismatches()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("claim", c.claim());
            m.put("actual", c.actual());
            if (c.rule() != null) {
                m.put("rule", c.rule());
            }
            out.add(m);
        }
        return out;
    }

    private static void checkFormat(ExchangeRequest request, Binding binding) throws KeywayException {
        if (!request.format().supports(binding.grant().type())) {
            throw new KeywayException(ErrorCode.INVALID_REQUEST, "format " + request.format() + " cannot carry a "
                    + binding.grant().type() + " credential");
        }
    }

    private static Duration ttl(ExchangeRequest request, Binding binding) throws KeywayException {
        Duration max = binding.grant().maxTtl();
        if (request.ttl().isEmpty()) {
            return max;
        }
        Duration asked;
        try {
            asked = Durations.parse(request.ttl().get());
        } catch (IllegalArgumentException e) {
            throw new KeywayException(ErrorCode.INVALID_REQUEST, "ttl: " + e.getMessage());
        }
        if (asked.isZero() || asked.isNegative()) {
            throw new KeywayException(ErrorCode.INVALID_REQUEST, "ttl must be positive");
        }
        return asked.compareTo(max) > 0 ? max : asked;
    }

    private IssuedCredential issue(ExchangeRequest request, Binding binding, Identity identity, Duration ttl)
            throws KeywayException {
        IssueRequest issue = new IssueRequest(binding.name(), binding.grant().config(), identity, ttl, clock.instant(),
                request.requestId(), request.csr(), request.publicKey(), request.format().id(), broker);
        try {
            return binding.grant().provider().issue(issue);
        } catch (IssueException e) {
            ErrorCode code = ErrorCode.fromCode(e.code()).orElse(ErrorCode.UPSTREAM_ERROR);
            Map<String, Object> extensions = e.upstream().isEmpty() ? Map.of() : Map.of("upstream", e.upstream());
            throw new KeywayException(code, e.getMessage(), extensions, code == ErrorCode.UNAVAILABLE ? Duration.ofSeconds(10) : null, e);
        }
    }

    private Explanation explanation(Binding binding, Decision decision, Identity identity) {
        List<Explanation.Item> items = new ArrayList<>();
        List<ConditionResult> results = decision.conditions();
        for (int i = 0; i < results.size(); i++) {
            ConditionResult c = results.get(i);
            String expected = explainFull && i < binding.conditions().size() && c.rule() == null
                    ? binding.conditions().get(i).matcher().describe() : null;
            items.add(new Explanation.Item(c.claim(), c.actual(), c.held() ? "pass" : "fail", expected, c.rule()));
        }
        return new Explanation(decision.allowed() ? "allow" : "deny", binding.name(), identity.scalarClaims(), items);
    }

    private void finish(ExchangeRequest request, Trail trail) {
        boolean allowed = trail.code == null && (trail.event.equals("exchange") || trail.decision != null && trail.decision.allowed());
        String code = trail.code != null ? trail.code.code() : allowed ? "ok" : ErrorCode.BINDING_DENIED.code();
        double latencyMs = (System.nanoTime() - trail.started) / 1_000_000.0;
        Map<String, String> identity = trail.identity == null ? null : trail.identity.scalarClaims();
        AuditEvent event = new AuditEvent(
                Instant.now(clock).toString(),
                trail.event,
                request.requestId(),
                allowed ? "allow" : "deny",
                code,
                request.binding(),
                trail.binding == null ? null : trail.binding.grant().type(),
                trail.token == null ? null : trail.token.issuer().name(),
                identity == null ? null : identity.get("sub"),
                identity,
                trail.decision == null || trail.decision.allowed() ? null : mismatches(trail.decision),
                trail.credential == null ? null : new AuditEvent.Credential(trail.credential.expiresAt().toString(), trail.credential.id()),
                new AuditEvent.Client(request.clientIp()),
                trail.reason,
                trail.replayCheck == Admission.ReplayCheck.SKIPPED ? "skipped" : null,
                Math.round(latencyMs * 1000) / 1000.0);
        audit.record(event);
        metrics.record(trail.event, trail.binding == null ? "" : trail.binding.name(), allowed ? "allow" : "deny", code, latencyMs);
    }
}
