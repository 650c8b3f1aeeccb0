package dev.keyway.broker.policy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled policy: immutable, swapped whole on reload. Lookups are hash lookups; nothing here
 * parses or compiles at exchange time.
 */
public final class PolicySet {

    private final Map<String, IssuerConfig> issuersByName;
    private final Map<String, IssuerConfig> issuersByIss;
    private final Map<String, Binding> bindings;
    private final List<PolicyTestCase> tests;

    PolicySet(Map<String, IssuerConfig> issuersByName, Map<String, Binding> bindings, List<PolicyTestCase> tests) {
        this.issuersByName = Map.copyOf(issuersByName);
        this.issuersByIss = issuersByName.values().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(IssuerConfig::issuer, i -> i));
        this.bindings = Map.copyOf(bindings);
        this.tests = List.copyOf(tests);
    }

    public Optional<Binding> binding(String name) {
        return Optional.ofNullable(bindings.get(name));
    }

    public Optional<IssuerConfig> issuer(String name) {
        return Optional.ofNullable(issuersByName.get(name));
    }

    /** The configured issuer whose {@code issuer} equals a token's (unverified) {@code iss} exactly. */
    public Optional<IssuerConfig> issuerForIss(String iss) {
        return Optional.ofNullable(issuersByIss.get(iss));
    }

    public Collection<IssuerConfig> issuers() {
        return issuersByName.values();
    }

    public Collection<Binding> bindings() {
        return bindings.values();
    }

    public List<PolicyTestCase> tests() {
        return tests;
    }
}
