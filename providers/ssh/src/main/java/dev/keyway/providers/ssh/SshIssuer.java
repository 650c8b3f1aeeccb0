package dev.keyway.providers.ssh;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The {@code ssh} grant: an OpenSSH user certificate for the job's own public key, signed by the
 * Keyway SSH CA. sshd trusts the CA once ({@code TrustedUserCAKeys}) instead of every job's key.
 */
public final class SshIssuer implements CredentialIssuer {

    /** Certificates start a little in the past, for servers whose clock runs behind. */
    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final String DEFAULT_KEY_ID = "keyway:<binding>:<sub>[:run=<run_id>]";
    static final Set<String> EXTENSIONS = Set.of("permit-pty", "permit-port-forwarding", "permit-agent-forwarding",
            "permit-X11-forwarding", "permit-user-rc");
    static final List<String> DEFAULT_EXTENSIONS = List.of("permit-pty");
    private static final String GRANT = "ssh grant";

    static {
        SshSecurity.configure();
    }

    private final SecureRandom random = new SecureRandom();

    @Override
    public String type() {
        return "ssh";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        Fields fields = definition.fields();
        int errors = problems.errorCount();
        if (!fields.has("principals")) {
            problems.error(fields.location(), GRANT + ": missing required field 'principals'"
                    + " (a certificate without principals would be valid for every user)");
        }
        List<Template> principals = new ArrayList<>();
        for (String text : fields.stringList("principals").orElse(List.of())) {
            Template.parse(text, fields.location("principals"), definition.claims(), problems).ifPresent(template ->
                    Principals.problem(template.withPlaceholders("x")).ifPresentOrElse(
                            problem -> problems.error(fields.location("principals"), GRANT + ": principal '" + text + "': " + problem),
                            () -> principals.add(template)));
        }
        Optional<Template> keyId = fields.string("key-id")
                .flatMap(text -> Template.parse(text, fields.location("key-id"), definition.claims(), problems));
        keyId.flatMap(t -> Principals.keyIdProblem(t.withPlaceholders("x")))
                .ifPresent(problem -> problems.error(fields.location("key-id"), GRANT + ": key-id: " + problem));
        List<String> extensions = extensions(fields, problems);
        Map<String, String> criticalOptions = new TreeMap<>();
        fields.mapping("critical-options").ifPresent(options -> criticalOptions(options, problems, criticalOptions));
        fields.finish();
        if (problems.errorCount() > errors) {
            return Optional.empty();
        }
        return Optional.of(new SshGrant(principals, keyId, extensions, new TreeMap<>(criticalOptions)));
    }

    /** A list of extension names (an empty list: none at all); absent: permit-pty only. */
    private static List<String> extensions(Fields fields, Problems problems) {
        Optional<Node> node = fields.node("extensions");
        if (node.isEmpty()) {
            return DEFAULT_EXTENSIONS;
        }
        List<Node> items = node.get() instanceof Node.Sequence seq ? seq.items() : List.of(node.get());
        Set<String> out = new LinkedHashSet<>();
        for (Node item : items) {
            if (!(item instanceof Node.Scalar s) || s.type() != Node.Scalar.ScalarType.STRING) {
                problems.error(item.location(), GRANT + ": 'extensions' must be a list of extension names, not " + item.kind());
            } else if (!EXTENSIONS.contains(s.text())) {
                problems.error(item.location(), GRANT + ": extension '" + s.text() + "' is not one of "
                        + EXTENSIONS.stream().sorted().toList());
            } else if (!out.add(s.text())) {
                problems.error(item.location(), GRANT + ": extension '" + s.text() + "' is listed twice");
            }
        }
        return List.copyOf(out);
    }

    /**
     * force-command is a literal, never a template: a claim value inside a command line is a shell
     * injection. source-address is a list of CIDR blocks, checked as sshd will.
     */
    private static void criticalOptions(Fields options, Problems problems, Map<String, String> out) {
        options.string("force-command").ifPresent(command -> {
            if (command.isBlank() || command.chars().anyMatch(Character::isISOControl)) {
                problems.error(options.location("force-command"), GRANT + ": force-command must be a non-empty command"
                        + " on one line");
            } else if (command.contains("{{")) {
                problems.error(options.location("force-command"), GRANT + ": force-command is not a template: a claim"
                        + " value in a command line could inject shell syntax");
            } else {
                out.put("force-command", command);
            }
        });
        options.stringList("source-address").ifPresent(list -> {
            List<String> blocks = new ArrayList<>();
            boolean valid = true;
            for (String entry : list) {
                for (String block : entry.split(",", -1)) {
                    Optional<String> problem = SourceAddresses.problem(block.strip());
                    problem.ifPresent(p -> problems.error(options.location("source-address"), GRANT + ": source-address: " + p));
                    valid &= problem.isEmpty();
                    blocks.add(block.strip());
                }
            }
            if (valid) {
                out.put("source-address", String.join(",", blocks));
            }
        });
        options.finish();
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        SshGrant grant = (SshGrant) request.grant();
        KeyPair ca = request.broker().sshAuthority().orElseThrow(() -> new IssueException("unavailable",
                "no SSH CA in keys.dir; run keys init/rotate"));
        if (request.csr().isPresent()) {
            throw invalid("an ssh grant signs an OpenSSH public key: send publicKey, not csr");
        }
        PublicKey key = JobKeys.parse(request.publicKey().orElseThrow(() -> invalid(
                "an ssh grant needs the job's OpenSSH public key: send publicKey (the content of id_ed25519.pub)")));
        List<String> principals = principals(grant, request);
        String keyId = keyId(grant, request);
        long serial = serial();
        Instant now = request.now();
        Instant validAfter = now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        Instant validBefore = now.plus(request.ttl()).truncatedTo(ChronoUnit.SECONDS);
        OpenSshCertificate certificate;
        try {
            OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
                    .publicKey(key)
                    .serial(serial)
                    .id(keyId)
                    .principals(principals)
                    .validAfter(validAfter)
                    .validBefore(validBefore);
            grant.criticalOptions().forEach(builder::criticalOption);
            grant.extensions().forEach(name -> builder.extension(name, ""));
            // An RSA CA signs with SHA-512: OpenSSH 8.8+ refuses ssh-rsa (SHA-1) signatures.
            certificate = ca.getPrivate() instanceof RSAKey ? builder.sign(ca, "rsa-sha2-512") : builder.sign(ca);
        } catch (Exception e) {
            throw new IssueException("unavailable", "cannot sign with the SSH CA: " + e.getMessage(), e);
        }
        String serialText = Long.toUnsignedString(serial);
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("certificate", PublicKeyEntry.toString(certificate));
        credentials.put("principals", principals);
        credentials.put("keyId", keyId);
        credentials.put("serial", serialText);
        return new IssuedCredential(type(), validBefore, credentials, serialText);
    }

    private static List<String> principals(SshGrant grant, IssueRequest request) throws IssueException {
        Set<String> out = new LinkedHashSet<>();
        for (Template template : grant.principals()) {
            String principal = template.render(request.identity()).orElseThrow(() -> invalid("principal template '"
                    + template.source() + "' needs " + template.claims() + ", which the token lacks as scalars"));
            Optional<String> problem = Principals.problem(principal);
            if (problem.isPresent()) {
                throw invalid("principal template '" + template.source() + "' gives no safe principal for this token's "
                        + template.claims() + ": " + problem.get());
            }
            out.add(principal);
        }
        return List.copyOf(out);
    }

    private static String keyId(SshGrant grant, IssueRequest request) throws IssueException {
        String keyId;
        if (grant.keyId().isPresent()) {
            Template template = grant.keyId().get();
            keyId = template.render(request.identity()).orElseThrow(() -> invalid("key-id template '" + template.source()
                    + "' needs " + template.claims() + ", which the token lacks as scalars"));
        } else {
            keyId = defaultKeyId(request);
        }
        Optional<String> problem = Principals.keyIdProblem(keyId);
        if (problem.isPresent()) {
            throw invalid("key-id for this token: " + problem.get());
        }
        return keyId;
    }

    /** keyway:&lt;binding&gt;:&lt;sub&gt;[:run=&lt;run id&gt;]: sshd logs it on every login, so it says who and which run. */
    private static String defaultKeyId(IssueRequest request) {
        StringBuilder out = new StringBuilder("keyway:").append(request.binding());
        request.identity().value(ClaimRef.parse("sub")).scalar().ifPresent(sub -> out.append(':').append(sub));
        Optional<String> run = request.identity().value(ClaimRef.parse("run_id")).scalar()
                .or(() -> request.identity().value(ClaimRef.parse("pipeline_id")).scalar());
        run.ifPresent(id -> out.append(":run=").append(id));
        return out.toString();
    }

    /** 64 random bits, never 0 (ssh-keygen's "no serial"). */
    private long serial() {
        long serial;
        do {
            serial = random.nextLong();
        } while (serial == 0);
        return serial;
    }

    private static IssueException invalid(String message) {
        return new IssueException("invalid_request", GRANT + ": " + message);
    }
}
