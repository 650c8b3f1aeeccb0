package dev.keyway.broker.policy;

import dev.keyway.broker.policy.PolicyCompiler.Document;
import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Compiles a policy's {@code Issuer} documents, in document order, before any binding that names them. */
final class IssuerCompiler {

    private IssuerCompiler() {
    }

    /**
     * {@code compiled}: the issuers that compiled, by name, in document order; {@code broken}: those
     * that failed but name a known profile, so their bindings are still checked against it.
     */
    record Issuers(Map<String, IssuerConfig> compiled, Map<String, Profile> broken) {
    }

    /** {@code documents}: the Issuer documents, each name once. */
    static Issuers compile(List<Document> documents, Problems problems) {
        Map<String, IssuerConfig> issuers = new LinkedHashMap<>();
        Map<String, IssuerConfig> issuersByIss = new HashMap<>();
        Map<String, Profile> brokenIssuers = new HashMap<>();
        for (Document doc : documents) {
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
        return new Issuers(issuers, brokenIssuers);
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
