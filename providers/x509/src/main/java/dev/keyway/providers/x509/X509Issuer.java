package dev.keyway.providers.x509;

import dev.keyway.spi.CertificateAuthority;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code x509} grant: an X509-SVID for a key the job holds, signed by the Keyway CA. The
 * binding decides every name in it; the caller only brings its key (in a CSR or bare).
 */
public final class X509Issuer implements CredentialIssuer {

    /** Certificates start a little in the past: a verifier whose clock runs behind still accepts them at once. */
    static final Duration BACKDATE = Duration.ofSeconds(60);
    private static final String GRANT = "x509 grant";

    private final SubjectKeys keys = new SubjectKeys();
    private final Svids svids = new Svids();

    @Override
    public String type() {
        return "x509";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        Fields fields = definition.fields();
        int errors = problems.errorCount();
        Optional<Template> spiffeId = fields.requiredString("spiffe-id")
                .flatMap(text -> Template.parse(text, fields.location("spiffe-id"), definition.claims(), problems));
        spiffeId.flatMap(SpiffeIds::templateProblem).ifPresent(problem -> problems.error(fields.location("spiffe-id"),
                GRANT + ": spiffe-id '" + spiffeId.get().source() + "' is not a valid SPIFFE ID: " + problem));
        List<Template> dnsNames = new ArrayList<>();
        for (String text : fields.stringList("dns-names").orElse(List.of())) {
            Template.parse(text, fields.location("dns-names"), definition.claims(), problems).ifPresent(template -> {
                DnsNames.templateProblem(template).ifPresentOrElse(
                        problem -> problems.error(fields.location("dns-names"), GRANT + ": dns-names '" + text + "': " + problem),
                        () -> dnsNames.add(template));
            });
        }
        Set<Usage> usages = EnumSet.noneOf(Usage.class);
        for (String text : fields.stringList("usage").orElse(List.of("client"))) {
            Optional<Usage> usage = Usage.byId(text);
            if (usage.isEmpty()) {
                problems.error(fields.location("usage"), GRANT + ": usage '" + text + "' is not client or server");
            } else if (!usages.add(usage.get())) {
                problems.error(fields.location("usage"), GRANT + ": usage '" + text + "' is listed twice");
            }
        }
        fields.finish();
        if (problems.errorCount() > errors || spiffeId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new X509Grant(spiffeId.get(), dnsNames, usages));
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        X509Grant grant = (X509Grant) request.grant();
        CertificateAuthority ca = request.broker().x509Authority().orElseThrow(() -> new IssueException("unavailable",
                "no X.509 CA in keys.dir; run keys init/rotate"));
        SubjectKeys.SubjectKey key = keys.read(request.csr(), request.publicKey());
        String spiffeId = spiffeId(grant, request);
        List<String> dnsNames = new ArrayList<>();
        for (Template template : grant.dnsNames()) {
            dnsNames.add(dnsName(template, request));
        }
        Instant now = request.now();
        Instant notAfter = now.plus(request.ttl()).truncatedTo(ChronoUnit.SECONDS);
        Instant caNotAfter = ca.chain().stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        if (caNotAfter.isBefore(notAfter)) {
            notAfter = caNotAfter; // never beyond the CA: a verifier would reject the chain anyway
        }
        if (!notAfter.isAfter(now)) {
            throw new IssueException("unavailable", "the X.509 CA expired at " + caNotAfter + "; run keys rotate");
        }
        Instant notBefore = now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate certificate;
        try {
            certificate = svids.sign(ca, new Svids.Spec(key.info(), key.rsa(), spiffeId, dnsNames, grant.usages(),
                    ClaimExtensions.values(request.identity(), request.binding()), notBefore, notAfter));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IssueException("unavailable", "cannot sign with the X.509 CA: " + e.getMessage(), e);
        }
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("certificate", Svids.pem(certificate));
        credentials.put("chain", ca.chain().stream().map(Svids::pem).toList());
        credentials.put("trustBundle", Svids.pem(ca.trustBundle()));
        credentials.put("spiffeId", spiffeId);
        return new IssuedCredential(type(), notAfter, credentials, certificate.getSerialNumber().toString(16));
    }

    private static String spiffeId(X509Grant grant, IssueRequest request) throws IssueException {
        Template template = grant.spiffeId();
        String id = template.render(request.identity(), SpiffeIds::escape).orElseThrow(() -> new IssueException("invalid_request",
                GRANT + ": spiffe-id uses template '" + template.source() + "', but the token lacks a scalar value for "
                        + template.claims()));
        Optional<String> problem = SpiffeIds.problem(id);
        if (problem.isPresent()) {
            throw new IssueException("invalid_request", GRANT + ": spiffe-id template '" + template.source()
                    + "' gives no valid SPIFFE ID for this token's claims " + template.claims() + ": " + problem.get());
        }
        return id;
    }

    private static String dnsName(Template template, IssueRequest request) throws IssueException {
        List<String> refused = new ArrayList<>();
        Optional<String> name = template.render(request.identity(), value -> {
            if (!DnsNames.validValue(value)) {
                refused.add(value);
            }
            return DnsNames.normalize(value);
        });
        if (name.isEmpty()) {
            throw new IssueException("invalid_request", GRANT + ": dns-names uses template '" + template.source()
                    + "', but the token lacks a scalar value for " + template.claims());
        }
        if (!refused.isEmpty()) {
            throw new IssueException("invalid_request", GRANT + ": dns-names template '" + template.source() + "': the values of "
                    + template.claims() + " must be one DNS label each (letters, digits, '-'); a claim cannot add labels");
        }
        Optional<String> problem = DnsNames.problem(name.get());
        if (problem.isPresent()) {
            throw new IssueException("invalid_request", GRANT + ": dns-names template '" + template.source()
                    + "' gives no valid DNS name for this token's claims: " + problem.get());
        }
        return name.get();
    }
}
