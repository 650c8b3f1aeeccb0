package dev.keyway.providers.jwt;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code jwt} grant: a JWT signed by the broker key for Kubernetes, Vault or any OIDC relying
 * party. {@code iss} is the broker's public URL, so relying parties trust Keyway once.
 */
public final class JwtIssuer implements CredentialIssuer {

    /** Claims the broker owns: letting policy set them would let a binding forge identity or lifetime. */
    /** The caller's normalized identity travels under this one claim, so relying parties can audit it. */
    static final String IDENTITY_CLAIM = "keyway";
    static final Set<String> RESERVED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", IDENTITY_CLAIM);

    @Override
    public String type() {
        return "jwt";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        Fields fields = definition.fields();
        int errors = problems.errorCount();
        List<String> audiences = fields.stringList("audience").orElse(List.of());
        if (!fields.has("audience")) {
            problems.error(fields.location(), "jwt grant: missing required field 'audience' (who will accept this token)");
        }
        if (audiences.stream().anyMatch(String::isBlank)) {
            problems.error(fields.location("audience"), "jwt grant: audience must not be empty");
        }
        Optional<String> subjectText = fields.string("subject");
        if (subjectText.filter(String::isBlank).isPresent()) {
            problems.error(fields.location("subject"), "jwt grant: subject must not be empty");
        }
        Optional<Template> subject = subjectText
                .flatMap(s -> Template.parse(s, fields.location("subject"), definition.claims(), problems));
        Map<String, List<Template>> claims = new LinkedHashMap<>();
        Map<String, Boolean> listClaims = new HashMap<>();
        fields.mapping("claims").ifPresent(claimFields -> readClaims(claimFields, definition, problems, claims, listClaims));
        fields.finish();
        if (problems.errorCount() > errors) {
            return Optional.empty();
        }
        return Optional.of(new JwtGrant(audiences, subject, claims, listClaims));
    }

    private static void readClaims(Fields claimFields, GrantDefinition definition, Problems problems,
                                   Map<String, List<Template>> claims, Map<String, Boolean> listClaims) {
        for (String name : claimFields.keys()) {
            if (RESERVED.contains(name)) {
                problems.error(claimFields.location(name), "jwt grant: claim '" + name
                        + "' is set by Keyway itself and cannot be templated");
                claimFields.node(name);
                continue;
            }
            Node node = claimFields.node(name).orElseThrow();
            List<Node> items = node instanceof Node.Sequence seq ? seq.items() : List.of(node);
            List<Template> templates = new ArrayList<>();
            for (Node item : items) {
                if (item instanceof Node.Scalar s && s.type() == Node.Scalar.ScalarType.STRING) {
                    Template.parse(s.text(), s.location(), definition.claims(), problems).ifPresent(templates::add);
                } else {
                    problems.error(item.location(), "jwt grant: claim '" + name + "' must be a string template or a list of them, not " + item.kind());
                }
            }
            claims.put(name, templates);
            listClaims.put(name, node instanceof Node.Sequence);
        }
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        JwtGrant grant = (JwtGrant) request.grant();
        Instant now = request.now();
        Instant expiresAt = now.plus(request.ttl());
        Map<String, Object> claims = new LinkedHashMap<>();
        for (Map.Entry<String, List<Template>> entry : grant.claims().entrySet()) {
            List<String> values = new ArrayList<>();
            for (Template template : entry.getValue()) {
                values.add(render(template, entry.getKey(), request));
            }
            claims.put(entry.getKey(), grant.listClaims().get(entry.getKey()) ? values : values.get(0));
        }
        claims.put("iss", request.broker().publicUrl());
        claims.put("sub", grant.subject().isPresent() ? render(grant.subject().get(), "sub", request) : defaultSubject(request));
        claims.put("aud", grant.audiences().size() == 1 ? grant.audiences().get(0) : grant.audiences());
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        String jti = UUID.randomUUID().toString();
        claims.put("jti", jti);
        claims.put(IDENTITY_CLAIM, request.identityClaim());
        String token = request.broker().signJwt(claims);
        return new IssuedCredential("jwt", Instant.ofEpochSecond(expiresAt.getEpochSecond()), Map.of("token", token), jti);
    }

    /**
     * {@code <binding>:<caller's sub>}: binding names never contain ':', so the first colon splits
     * it unambiguously, and two bindings never mint the same subject for one caller.
     */
    private static String defaultSubject(IssueRequest request) throws IssueException {
        return request.bindingSubject().orElseThrow(() -> new IssueException("invalid_request",
                "jwt grant: the token has no sub claim; set the grant's subject template"));
    }

    private static String render(Template template, String claim, IssueRequest request) throws IssueException {
        return template.render(request.identity()).orElseThrow(() -> new IssueException("invalid_request",
                "jwt grant: claim '" + claim + "' uses template '" + template.source()
                        + "', but the token lacks a scalar value for " + template.claims()));
    }
}
