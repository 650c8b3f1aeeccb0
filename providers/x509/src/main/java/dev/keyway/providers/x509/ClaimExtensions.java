package dev.keyway.providers.x509;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.Identity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * Who the job was, written into its certificate so verifiers can pin it (as Fulcio does for
 * Sigstore): one non-critical extension per fact, its value a DER UTF8String, present only when
 * the caller's token has the claim. The OIDs live under Keyway's own arc, a UUID-derived OID
 * (ITU-T X.667, {@code 2.25.<uuid>}) that needs no registration and collides with nobody:
 * {@value #ARC}. docs/grants/x509.md lists them; never renumber one.
 */
final class ClaimExtensions {

    /** 2.25 + UUID 704cc9ca-5110-456a-8c33-35be82d41934 as an integer: Keyway's OID arc. */
    static final String ARC = "2.25.149272242882666342949533567699517708596";
    /** {@code ARC.1}: X.509 certificate extensions. */
    static final ASN1ObjectIdentifier EXTENSIONS = new ASN1ObjectIdentifier(ARC + ".1");

    /** One extension: its OID, its name in the docs, and the claims it is read from, first present wins. */
    record Fact(ASN1ObjectIdentifier oid, String name, List<String> claims) {
    }

    static final List<Fact> FACTS = List.of(
            fact(1, "issuer", "iss"),
            fact(2, "subject", "sub"),
            fact(3, "binding"),
            fact(4, "repository", "repository", "project_path"),
            fact(5, "repository-id", "repository_id", "project_id"),
            fact(6, "ref", "ref"),
            fact(7, "sha", "sha"),
            fact(8, "workflow", "job_workflow_ref", "workflow_ref", "ci_config_ref_uri"),
            fact(9, "run-id", "run_id", "pipeline_id"),
            fact(10, "environment", "environment"));

    private ClaimExtensions() {
    }

    private static Fact fact(int arc, String name, String... claims) {
        return new Fact(EXTENSIONS.branch(Integer.toString(arc)), name, List.of(claims));
    }

    /** The values for this caller: binding is Keyway's own fact, the rest come from the token. */
    static Map<ASN1ObjectIdentifier, String> values(Identity identity, String binding) {
        Map<ASN1ObjectIdentifier, String> out = new LinkedHashMap<>();
        for (Fact fact : FACTS) {
            if (fact.name().equals("binding")) {
                out.put(fact.oid(), binding);
                continue;
            }
            first(identity, fact.claims()).ifPresent(value -> out.put(fact.oid(), value));
        }
        return out;
    }

    private static Optional<String> first(Identity identity, List<String> claims) {
        for (String claim : claims) {
            Optional<String> value = identity.value(ClaimRef.parse(claim)).scalar();
            if (value.isPresent() && !value.get().isEmpty()) {
                return value;
            }
        }
        return Optional.empty();
    }
}
