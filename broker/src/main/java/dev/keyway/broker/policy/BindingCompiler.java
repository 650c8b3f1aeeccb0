package dev.keyway.broker.policy;

import dev.keyway.broker.policy.PolicyCompiler.Document;
import dev.keyway.broker.profile.GuardOptIn;
import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Durations;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles {@code Binding} documents against the policy's issuers. One instance serves one policy
 * compile: it shares what bindings repeat (matchers, claim references) across the policy, and
 * it is safe to use from several threads at once, so the bindings of a large policy compile in
 * parallel. Each call reports only into the Problems it is given.
 */
final class BindingCompiler {

    static final Duration DEFAULT_MAX_TTL = Duration.ofHours(1);

    private final GrantTypes grantTypes;
    private final Map<String, IssuerConfig> issuers;
    private final Map<String, Profile> brokenIssuers;
    private final MatcherCompiler matchers = new MatcherCompiler();
    private final Map<String, ClaimRef> claimRefs = new ConcurrentHashMap<>();
    /** One Duration per distinct max-ttl: thousands of bindings write the same one. */
    private final Map<Duration, Duration> maxTtls = new ConcurrentHashMap<>();

    /**
     * {@code issuers}: the issuers that compiled; {@code brokenIssuers}: those that failed but name
     * a known profile, so their bindings are still checked against it. Neither may change while
     * bindings compile.
     */
    BindingCompiler(GrantTypes grantTypes, Map<String, IssuerConfig> issuers, Map<String, Profile> brokenIssuers) {
        this.grantTypes = grantTypes;
        this.issuers = issuers;
        this.brokenIssuers = brokenIssuers;
    }

    Optional<Binding> compile(Document doc, Problems problems) {
        Fields spec = doc.fields(problems);
        String what = "Binding '" + doc.name() + "'";
        int errors = problems.errorCount();
        Optional<String> issuerName = spec.requiredString("issuer");
        Optional<IssuerConfig> issuer = issuerName.map(issuers::get);
        Optional<Profile> profile = issuer.map(IssuerConfig::profile).or(() -> issuerName.map(brokenIssuers::get));
        if (issuerName.isPresent() && profile.isEmpty()) {
            problems.error(spec.location("issuer"), what + ": issuer '" + issuerName.get() + "' is not defined by any Issuer document"
                    + (issuers.isEmpty() ? "" : " (defined: " + String.join(", ", issuers.keySet()) + ")"));
        }
        spec.string("description");
        boolean allowUntrusted = spec.bool("allow-untrusted-triggers").orElse(false);
        Optional<Fields> match = spec.mapping("match");
        Optional<Fields> grantFields = spec.mapping("grant");
        spec.finish();
        if (match.isEmpty()) {
            problems.error(spec.location(), what + ": missing required field 'match' (deny by default: a binding needs conditions)");
        }
        if (grantFields.isEmpty()) {
            problems.error(spec.location(), what + ": missing required field 'grant'");
        }
        if (profile.isEmpty()) {
            return Optional.empty(); // claim names and templates can only be checked against a known profile
        }
        List<Condition> conditions = match.map(m -> conditions(what, m, profile.get(), problems)).orElse(List.of());
        Optional<Grant> grant = grantFields.flatMap(g -> grant(doc.name(), g, profile.get(), problems));
        if (problems.errorCount() > errors || grant.isEmpty() || issuer.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Set<String>> literals = new HashMap<>();
        for (Condition c : conditions) {
            if (!c.matcher().literals().isEmpty()) { // a missing claim reads as no literals: the same, in less heap
                literals.put(c.name(), c.matcher().literals());
            }
        }
        return Optional.of(new Binding(doc.name(), issuer.get(), conditions, new GuardOptIn(allowUntrusted, literals),
                grant.get(), doc.location()));
    }

    private List<Condition> conditions(String what, Fields match, Profile profile, Problems problems) {
        List<Condition> conditions = new ArrayList<>();
        if (match.keys().isEmpty()) {
            problems.error(match.location(), what + ": match has no conditions (deny by default: say who may use it)");
        }
        Set<String> seenClaims = new HashSet<>();
        for (String claim : match.keys()) {
            Node value = match.node(claim).orElseThrow();
            Location where = match.location(claim);
            ClaimRef ref = claimRefs.computeIfAbsent(claim, ClaimRef::parse);
            if (!ref.isPointer() && !profile.knows(claim)) {
                problems.error(where, what + ": claim '" + claim + "' is not a " + profile.id() + " claim (known: "
                        + String.join(", ", profile.claimNames()) + "); reach other claims with a JSON pointer like /" + claim);
                continue;
            }
            if (!seenClaims.add(claim)) {
                continue; // duplicate keys are already reported by the YAML reader
            }
            // Kubernetes names are derived from the nested claim, so /namespace is not namespace there.
            String name = ref.isPointer() && ref.pointer().size() == 1 && profile != Profile.KUBERNETES ? ref.topLevel() : claim;
            matchers.compile(claim, value, problems).ifPresent(m -> conditions.add(new Condition(ref, name, m, where)));
        }
        match.finish();
        return conditions;
    }

    private Optional<Grant> grant(String binding, Fields fields, Profile profile, Problems problems) {
        String what = "Binding '" + binding + "': grant";
        Optional<String> type = fields.requiredString("type");
        Optional<Duration> maxTtl = fields.duration("max-ttl");
        if (maxTtl.isPresent() && (maxTtl.get().isZero() || maxTtl.get().isNegative())) {
            problems.error(fields.location("max-ttl"), what + ": max-ttl must be positive");
            return Optional.empty();
        }
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Optional<CredentialIssuer> provider = grantTypes.provider(type.get());
        if (provider.isEmpty()) {
            problems.error(fields.location("type"), what + ": grant type '" + type.get()
                    + "' is not implemented by any provider (available: " + grantTypes.available() + ")");
            return Optional.empty();
        }
        Duration ttl = maxTtls.computeIfAbsent(maxTtl.orElse(DEFAULT_MAX_TTL), d -> d);
        Optional<GrantConfig> config = provider.get().compile(new GrantDefinition(binding, fields, profile, ttl), problems);
        if (config.isEmpty()) {
            return Optional.empty();
        }
        if (ttl.compareTo(config.get().longestTtl()) > 0) {
            problems.error(fields.location("max-ttl"), what + ": max-ttl " + Durations.format(ttl) + " exceeds the "
                    + type.get() + " grant's longest lifetime, " + Durations.format(config.get().longestTtl()));
            return Optional.empty();
        }
        return Optional.of(new Grant(type.get(), ttl, config.get(), provider.get()));
    }
}
