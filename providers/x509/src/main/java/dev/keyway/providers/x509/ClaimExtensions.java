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
 * the caller's token has the claim. docs/grants/x509.md lists the OIDs; never renumber one.
 *
 * <p>The arc {@value #ARC} is a PLACEHOLDER private enterprise number, marked as such in the docs
 * and ADR 0003, until Keyway registers its own with IANA. Not a UUID arc ({@code 2.25.<uuid>}):
 * Go's crypto/x509 cannot parse a certificate whose extension OID has a component over 31 bits.
 */
final class ClaimExtensions {

    /** iso.org.dod.internet.private.enterprise.99999: PLACEHOLDER PEN for Keyway (see the class comment). */
    static final String ARC = "1.3.6.1.4.1.99999";
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
