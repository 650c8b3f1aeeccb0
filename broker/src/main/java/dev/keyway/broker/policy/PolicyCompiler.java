package dev.keyway.broker.policy;

import dev.keyway.broker.policy.PolicySources.SourceDocument;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Policy documents to an immutable {@link PolicySet}. The server, {@code policy check} and
 * {@code policy test} all call this one compiler. Every problem is collected, each with file and
 * line, before the compile fails as a whole: a broken file never half-applies.
 */
public final class PolicyCompiler {

    static final String API_VERSION = "keyway.dev/v1";
    static final Duration DEFAULT_MAX_TTL = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final GrantTypes grantTypes;

    public PolicyCompiler(GrantTypes grantTypes) {
        this.grantTypes = grantTypes;
    }

    public Compilation compile(List<Path> paths) {
        Problems problems = new Problems();
        List<SourceDocument> documents = PolicySources.read(paths, problems);
        if (documents.isEmpty() && !problems.hasErrors()) {
            problems.error(Location.unknown(paths.toString()), "no policy documents found (*.yaml or *.yml)");
        }
        return compile(documents, problems);
    }

    Compilation compile(List<SourceDocument> documents, Problems problems) {
        Map<String, List<Document>> byKind = new HashMap<>();
        Map<String, Location> firstByKindAndName = new HashMap<>();
        for (SourceDocument source : documents) {
            header(source, problems).ifPresent(d -> {
                Location first = firstByKindAndName.putIfAbsent(d.kind() + "/" + d.name(), d.location());
                if (first != null) {
                    problems.error(d.location(), "duplicate " + d.kind() + " name '" + d.name() + "' (first at " + first + ")");
                } else {
                    byKind.computeIfAbsent(d.kind(), k -> new ArrayList<>()).add(d);
                }
            });
        }
        Map<String, IssuerConfig> issuers = new LinkedHashMap<>();
        Map<String, IssuerConfig> issuersByIss = new HashMap<>();
        // Issuers that failed but name a known profile: their bindings are still checked against it.
        Map<String, Profile> brokenIssuers = new HashMap<>();
        for (Document doc : byKind.getOrDefault("Issuer", List.of())) {
            Optional<IssuerConfig> compiled = issuer(doc, problems);
            if (compiled.isEmpty()) {
                doc.spec().node("type").filter(Node.Scalar.class::isInstance).map(n -> ((Node.Scalar) n).text())
                        .flatMap(Profile::byId).ifPresent(p -> brokenIssuers.put(doc.name(), p));
            }
            compiled.ifPresent(issuer -> {
                IssuerConfig sameIss = issuersByIss.putIfAbsent(issuer.issuer(), issuer);
                if (sameIss != null) {
                    problems.error(issuer.location(), "issuer '" + issuer.issuer() + "' is already configured by Issuer '"
                            + sameIss.name() + "' (" + sameIss.location() + "); a token's iss must select one issuer");
                }
                issuers.put(doc.name(), issuer);
            });
        }
        Map<String, Binding> bindings = new LinkedHashMap<>();
        for (Document doc : byKind.getOrDefault("Binding", List.of())) {
            binding(doc, issuers, brokenIssuers, problems).ifPresent(b -> bindings.put(doc.name(), b));
        }
        Set<String> failedBindings = new HashSet<>();
        for (Document doc : byKind.getOrDefault("Binding", List.of())) {
            if (!bindings.containsKey(doc.name())) {
                failedBindings.add(doc.name());
            }
        }
        List<PolicyTestCase> tests = new ArrayList<>();
        for (Document doc : byKind.getOrDefault("PolicyTest", List.of())) {
            tests.addAll(PolicyTestDocuments.cases(doc, issuers, bindings, failedBindings, problems));
        }
        if (problems.hasErrors()) {
            return new Compilation(Optional.empty(), problems.all());
        }
        PolicySet policy = new PolicySet(issuers, bindings, tests);
        PolicyLinter.lint(policy, problems);
        return new Compilation(Optional.of(policy), problems.all());
    }

    /** A document's envelope: apiVersion, kind, metadata.name, and its spec. */
    record Document(String kind, String name, Fields spec, Location location) {
    }

    private static Optional<Document> header(SourceDocument source, Problems problems) {
        Fields root = Fields.of(source.root(), "document", problems);
        Optional<String> apiVersion = root.requiredString("apiVersion");
        Optional<String> kind = root.requiredString("kind");
        Optional<Fields> metadata = root.mapping("metadata");
        Optional<Node> spec = root.node("spec");
        root.finish();
        if (apiVersion.isPresent() && !apiVersion.get().equals(API_VERSION)) {
            problems.error(root.location("apiVersion"), "apiVersion must be " + API_VERSION + ", not '" + apiVersion.get() + "'");
            return Optional.empty();
        }
        if (kind.isEmpty() || apiVersion.isEmpty()) {
            return Optional.empty();
        }
        if (!Set.of("Issuer", "Binding", "PolicyTest").contains(kind.get())) {
            problems.error(root.location("kind"), "kind '" + kind.get() + "' is not one of Issuer, Binding, PolicyTest");
            return Optional.empty();
        }
        String what = kind.get();
        if (metadata.isEmpty()) {
            problems.error(root.location(), what + ": missing required field 'metadata' (with a name)");
            return Optional.empty();
        }
        Optional<String> name = metadata.get().requiredString("name");
        metadata.get().mapping("labels").ifPresent(Fields::keys);
        metadata.get().mapping("annotations").ifPresent(Fields::keys);
        metadata.get().finish();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (!NAME.matcher(name.get()).matches()) {
            problems.error(metadata.get().location("name"), what + " name '" + name.get()
                    + "' must be lowercase letters, digits, '-' or '.', starting and ending with a letter or digit");
            return Optional.empty();
        }
        if (spec.isEmpty()) {
            problems.error(root.location(), what + " '" + name.get() + "': missing required field 'spec'");
            return Optional.empty();
        }
        Fields specFields = Fields.of(spec.get(), what + " '" + name.get() + "'", problems);
        return Optional.of(new Document(what, name.get(), specFields, root.location()));
    }

    private static Optional<IssuerConfig> issuer(Document doc, Problems problems) {
        Fields spec = doc.spec();
        int errors = problems.errorCount();
        Optional<Profile> profile = spec.requiredString("type").flatMap(type -> {
            Optional<Profile> p = Profile.byId(type);
            if (p.isEmpty()) {
                problems.error(spec.location("type"), "Issuer '" + doc.name() + "': type '" + type + "' is not one of " + Profile.ids());
            }
            return p;
        });
        Optional<String> iss = spec.requiredString("issuer");
        List<String> audiences = spec.stringList("audiences").orElse(List.of());
        Optional<String> jwksUri = spec.string("jwks-uri");
        Optional<String> jwksFile = spec.string("jwks-file");
        Optional<Duration> maxTokenAge = spec.duration("max-token-age");
        ReplayMode replay = spec.string("replay").flatMap(r -> {
            Optional<ReplayMode> mode = ReplayMode.byId(r);
            if (mode.isEmpty()) {
                problems.error(spec.location("replay"), "Issuer '" + doc.name() + "': replay '" + r
                        + "' is not one of single-use | per-binding | off");
            }
            return mode;
        }).orElse(ReplayMode.PER_BINDING);
        spec.finish();
        if (jwksUri.isPresent() && jwksFile.isPresent()) {
            problems.error(spec.location("jwks-file"), "Issuer '" + doc.name() + "': set jwks-uri or jwks-file, not both");
        }
        jwksUri.flatMap(Urls::checkFetchable).ifPresent(reason ->
                problems.error(spec.location("jwks-uri"), "Issuer '" + doc.name() + "': jwks-uri " + reason));
        if (iss.isPresent() && iss.get().isBlank()) {
            problems.error(spec.location("issuer"), "Issuer '" + doc.name() + "': issuer must not be empty");
        } else if (iss.isPresent() && jwksUri.isEmpty() && jwksFile.isEmpty()) {
            // Keys will be discovered from the issuer URL itself, so it must be safe to fetch.
            Urls.checkFetchable(iss.get()).ifPresent(reason -> problems.error(spec.location("issuer"),
                    "Issuer '" + doc.name() + "': issuer " + reason
                            + " (or set jwks-uri / jwks-file to use a non-URL issuer)"));
        }
        maxTokenAge.filter(age -> age.isZero() || age.isNegative()).ifPresent(age ->
                problems.error(spec.location("max-token-age"), "Issuer '" + doc.name() + "': max-token-age must be positive"));
        if (problems.errorCount() > errors || profile.isEmpty() || iss.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IssuerConfig(doc.name(), profile.get(), iss.get(), audiences, jwksUri, jwksFile,
                maxTokenAge, replay, doc.location()));
    }

    private Optional<Binding> binding(Document doc, Map<String, IssuerConfig> issuers, Map<String, Profile> brokenIssuers,
                                      Problems problems) {
        Fields spec = doc.spec();
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
            literals.put(c.name(), c.matcher().literals());
        }
        return Optional.of(new Binding(doc.name(), issuer.get(), conditions, new GuardOptIn(allowUntrusted, literals),
                grant.get(), doc.location()));
    }

    private static List<Condition> conditions(String what, Fields match, Profile profile, Problems problems) {
        List<Condition> conditions = new ArrayList<>();
        if (match.keys().isEmpty()) {
            problems.error(match.location(), what + ": match has no conditions (deny by default: say who may use it)");
        }
        Set<String> seenClaims = new HashSet<>();
        for (String claim : match.keys()) {
            Node value = match.node(claim).orElseThrow();
            Location where = match.location(claim);
            ClaimRef ref = ClaimRef.parse(claim);
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
            MatcherCompiler.compile(claim, value, problems).ifPresent(m -> conditions.add(new Condition(ref, name, m, where)));
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
        Duration ttl = maxTtl.orElse(DEFAULT_MAX_TTL);
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
