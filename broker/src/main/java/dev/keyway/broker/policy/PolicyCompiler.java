package dev.keyway.broker.policy;

import dev.keyway.broker.policy.PolicySources.SourceDocument;
import dev.keyway.broker.profile.Profile;
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
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Policy documents to an immutable {@link PolicySet}. The server, {@code policy check} and
 * {@code policy test} all call this one compiler. Every problem is collected, each with file and
 * line, before the compile fails as a whole: a broken file never half-applies.
 */
public final class PolicyCompiler {

    static final String API_VERSION = "keyway.dev/v1";
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
        for (Optional<Document> header : inParallel(documents, PolicyCompiler::header, problems)) {
            header.ifPresent(d -> {
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
                Optional.ofNullable(doc.spec().entries().get("type")).filter(Node.Scalar.class::isInstance)
                        .map(n -> ((Node.Scalar) n).text()).flatMap(Profile::byId)
                        .ifPresent(p -> brokenIssuers.put(doc.name(), p));
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
        List<Document> bindingDocuments = byKind.getOrDefault("Binding", List.of());
        BindingCompiler bindingCompiler = new BindingCompiler(grantTypes, issuers, brokenIssuers);
        List<Optional<Binding>> compiled = inParallel(bindingDocuments, bindingCompiler::compile, problems);
        Map<String, Binding> bindings = new LinkedHashMap<>();
        Set<String> failedBindings = new HashSet<>();
        for (int i = 0; i < bindingDocuments.size(); i++) {
            String name = bindingDocuments.get(i).name();
            compiled.get(i).ifPresentOrElse(b -> bindings.put(name, b), () -> failedBindings.add(name));
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

    /**
     * Runs {@code work} on every item on the common fork-join pool (documents are independent);
     * each item reports into its own Problems, merged here in item order, so the outcome and the
     * order of problems are exactly those of a loop.
     */
    private static <T, R> List<R> inParallel(List<T> items, BiFunction<T, Problems, R> work, Problems problems) {
        record Result<R>(R value, Problems problems) {
        }
        List<Result<R>> results = items.parallelStream().map(item -> {
            Problems own = new Problems();
            return new Result<>(work.apply(item, own), own);
        }).toList();
        List<R> values = new ArrayList<>(results.size());
        for (Result<R> result : results) {
            problems.addAll(result.problems());
            values.add(result.value());
        }
        return values;
    }

    /** A document's envelope: apiVersion, kind, metadata.name, and its spec (empty when it was not a mapping). */
    record Document(String kind, String name, Node.Mapping spec, Location location) {

        /**
         * The spec's fields, reporting into {@code problems}: documents compile in parallel, each
         * into its own Problems.
         */
        Fields fields(Problems problems) {
            return new Fields(spec, kind + " '" + name + "'", problems);
        }
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
        Node.Mapping specMapping = Fields.asMapping(spec.get(), what + " '" + name.get() + "'", problems);
        return Optional.of(new Document(what, name.get(), specMapping, root.location()));
    }

    private static Optional<IssuerConfig> issuer(Document doc, Problems problems) {
        Fields spec = doc.fields(problems);
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
}
