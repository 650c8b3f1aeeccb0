package dev.keyway.providers.aws;

import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The {@code aws} grant: temporary credentials for an IAM role from AWS STS.
 *
 * <p>{@code web-identity} (default): Keyway signs a short JWT for {@code sts.amazonaws.com} and
 * calls AssumeRoleWithWebIdentity, unsigned; AWS trusts Keyway as an IAM OIDC provider, so the
 * broker holds no AWS secret. {@code assume-role}: the broker's own ambient identity calls
 * AssumeRole. Either way session tags, source identity and a session policy can narrow the session.
 */
public final class AwsIssuer implements CredentialIssuer {

    static final String DEFAULT_REGION = "us-east-1";
    /** STS refuses DurationSeconds below 900. */
    static final long MIN_DURATION_SECONDS = 900;

    private final StsClients clients;
    private final Upstream upstream;

    public AwsIssuer() {
        this(StsClients.standard(), new Upstream("aws", Upstream.Settings.DEFAULT));
    }

    /** Tests: clients with a stand-in's ambient identity and a short timeout, an Upstream with fast backoff. */
    AwsIssuer(StsClients clients, Upstream upstream) {
        this.clients = clients;
        this.upstream = upstream;
    }

    @Override
    public boolean waitsOnNetwork() {
        return true;
    }

    @Override
    public String type() {
        return "aws";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        return AwsGrantCompiler.compile(definition, problems).map(GrantConfig.class::cast);
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        AwsGrant grant = (AwsGrant) request.grant();
        String sessionName = SessionNames.of(grant.sessionName(), request.binding(), request.identity(), request.requestId())
                .orElseThrow(() -> missingClaims("session-name", grant.sessionName().orElseThrow()));
        Map<String, String> tags = tags(grant, request);
        Optional<String> sourceIdentity = sourceIdentity(grant, request);
        int duration = (int) durationSeconds(request.ttl());
        StsClient client = clients.client(grant);
        Optional<String> subject = grant.mode() == Mode.WEB_IDENTITY ? Optional.of(subject(request)) : Optional.empty();
        StsFailures.Attempt attempt = new StsFailures.Attempt(grant, sessionName, subject, request.broker().publicUrl(),
                clients.callTimeout());

        Session session;
        if (grant.mode() == Mode.WEB_IDENTITY) {
            String token = request.broker().signJwt(WebIdentityTokens.claims(request.broker().publicUrl(), subject.get(),
                    request.now(), tags, grant.transitiveTagKeys(), sourceIdentity));
            AssumeRoleWithWebIdentityRequest.Builder call = AssumeRoleWithWebIdentityRequest.builder()
                    .roleArn(grant.roleArn())
                    .roleSessionName(sessionName)
                    .webIdentityToken(token)
                    .durationSeconds(duration);
            grant.sessionPolicy().ifPresent(call::policy);
            session = call(grant, attempt, () -> {
                var response = client.assumeRoleWithWebIdentity(call.build());
                return Session.of(response.credentials(), response.assumedRoleUser(), attempt);
            });
        } else {
            AssumeRoleRequest.Builder call = AssumeRoleRequest.builder()
                    .roleArn(grant.roleArn())
                    .roleSessionName(sessionName)
                    .durationSeconds(duration);
            if (!tags.isEmpty()) {
                call.tags(tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList());
            }
            if (!grant.transitiveTagKeys().isEmpty()) {
                call.transitiveTagKeys(grant.transitiveTagKeys());
            }
            sourceIdentity.ifPresent(call::sourceIdentity);
            grant.sessionPolicy().ifPresent(call::policy);
            session = call(grant, attempt, () -> {
                var response = client.assumeRole(call.build());
                return Session.of(response.credentials(), response.assumedRoleUser(), attempt);
            });
        }
        return session.toCredential(sessionName);
    }

    private Session call(AwsGrant grant, StsFailures.Attempt attempt, Upstream.Call<Session> call) throws IssueException {
        return upstream.call(grant.endpoint(), call, StsFailures::retryable, StsFailures::countsAsFailure,
                failure -> StsFailures.translate(failure, attempt));
    }

    /**
     * STS's DurationSeconds: the granted ttl (already capped by max-ttl, itself at most 12h), but
     * never below STS's minimum of 15 minutes; expiresAt then reports the real, longer lifetime.
     */
    static long durationSeconds(Duration ttl) {
        return Math.max(MIN_DURATION_SECONDS, Math.min(AwsGrant.LONGEST.toSeconds(), ttl.toSeconds()));
    }

    /**
     * {@code <binding>:<caller's sub>}, as the jwt grant's default subject: binding names hold no
     * ':', so a trust policy condition {@code <binding>:*} admits exactly one binding.
     */
    private static String subject(IssueRequest request) throws IssueException {
        return request.bindingSubject().orElseThrow(() -> new IssueException("invalid_request", "aws grant: the token has"
                + " no sub claim, which the web identity token's subject (<binding>:<sub>) is made of"));
    }

    private static Map<String, String> tags(AwsGrant grant, IssueRequest request) throws IssueException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Template> tag : grant.sessionTags().entrySet()) {
            String value = tag.getValue().render(request.identity())
                    .orElseThrow(() -> missingClaims("session tag '" + tag.getKey() + "'", tag.getValue()));
            Optional<String> problem = TagRules.valueProblem(value);
            if (problem.isPresent()) {
                throw new IssueException("invalid_request", "aws grant: session tag '" + tag.getKey() + "' (" + tag.getValue().source()
                        + ") " + problem.get() + " for this token; Keyway never alters tag values, IAM conditions compare them");
            }
            out.put(tag.getKey(), value);
        }
        return out;
    }

    private static Optional<String> sourceIdentity(AwsGrant grant, IssueRequest request) throws IssueException {
        if (grant.sourceIdentity().isEmpty()) {
            return Optional.empty();
        }
        Template template = grant.sourceIdentity().get();
        String value = template.render(request.identity()).orElseThrow(() -> missingClaims("source-identity", template));
        Optional<String> problem = TagRules.sourceIdentityProblem(value);
        if (problem.isPresent()) {
            throw new IssueException("invalid_request", "aws grant: source-identity (" + template.source() + ") " + problem.get()
                    + " for this token; Keyway never alters a source identity, IAM conditions compare it");
        }
        return Optional.of(value);
    }

    private static IssueException missingClaims(String what, Template template) {
        return new IssueException("invalid_request", "aws grant: " + what + " uses template '" + template.source()
                + "', but the token lacks a scalar value for " + template.claims());
    }

    /** What STS returned, checked. Holds secrets: no toString that shows them, never logged. */
    private static final class Session {
        /**
         * RFC 3339 with a numeric offset, as {@code aws configure export-credentials} prints it; the
         * response's top-level {@code expiresAt} carries the same instant.
         */
        private static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
                .withZone(ZoneOffset.UTC);

        private final Credentials credentials;
        private final String assumedRoleArn;

        private Session(Credentials credentials, String assumedRoleArn) {
            this.credentials = credentials;
            this.assumedRoleArn = assumedRoleArn;
        }

        static Session of(Credentials credentials, AssumedRoleUser user, StsFailures.Attempt attempt) throws IssueException {
            if (credentials == null || blank(credentials.accessKeyId()) || blank(credentials.secretAccessKey())
                    || blank(credentials.sessionToken()) || credentials.expiration() == null || user == null || blank(user.arn())) {
                throw new IssueException("upstream_error", "AWS STS answered " + attempt.grant().mode().action() + " for role "
                        + attempt.grant().roleArn() + " without complete credentials (access key, secret key, session token,"
                        + " expiration and assumed-role ARN are all required)");
            }
            return new Session(credentials, user.arn());
        }

        IssuedCredential toCredential(String sessionName) {
            Instant expiration = credentials.expiration();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("accessKeyId", credentials.accessKeyId());
            out.put("secretAccessKey", credentials.secretAccessKey());
            out.put("sessionToken", credentials.sessionToken());
            out.put("expiration", EXPIRATION.format(expiration));
            out.put("assumedRoleArn", assumedRoleArn);
            return new IssuedCredential("aws", expiration, out, sessionName);
        }

        @Override
        public String toString() {
            return "Session[" + assumedRoleArn + "]";
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
