package dev.keyway.providers.gcp;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code gcp} grant: workload identity federation with Keyway as the OIDC identity provider.
 * Keyway mints a JWT for the workload identity pool provider, exchanges it at Google STS (RFC 8693)
 * and, with a {@code service-account}, trades the federated token for that account's access token
 * at IAM Credentials. No Google secret exists anywhere. With format {@code gcp-executable} it only
 * mints the JWT: Google's client libraries run Keyway as an executable credential source and
 * exchange it themselves.
 */
public final class GcpIssuer implements CredentialIssuer {

    static final String EXECUTABLE_FORMAT = "gcp-executable";
    /** A subject token that Keyway exchanges at once needs no long life. */
    private static final Duration EXCHANGED_SUBJECT_TOKEN_LIFETIME = Duration.ofHours(1);

    private final GoogleApis google;
    private final Upstream upstream;

    /** Production: Google's endpoints over the JDK's HTTPS client (which honours the JVM's proxy settings). */
    public GcpIssuer() {
        this(defaultTransport(), Upstream.Settings.DEFAULT, GoogleApis.Timeouts.DEFAULT);
    }

    /** Tests: a transport that sends Google's URLs to a stand-in, and fast retries and timeouts. */
    GcpIssuer(HttpTransportFactory transports, Upstream.Settings retries, GoogleApis.Timeouts timeouts) {
        this.google = new GoogleApis(transports, timeouts);
        this.upstream = new Upstream("gcp", retries);
    }

    private static HttpTransportFactory defaultTransport() {
        HttpTransport transport = new NetHttpTransport();
        return () -> transport;
    }

    @Override
    public boolean waitsOnNetwork() {
        return true;
    }

    @Override
    public String type() {
        return "gcp";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        return GcpGrants.compile(definition, problems).map(GrantConfig.class::cast);
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        GcpGrant grant = (GcpGrant) request.grant();
        boolean executable = EXECUTABLE_FORMAT.equals(request.format());
        String subject = SubjectTokens.subject(request);
        String jti = UUID.randomUUID().toString();
        Instant now = request.now().truncatedTo(ChronoUnit.SECONDS);
        Duration lifetime = executable ? request.ttl() : min(request.ttl(), EXCHANGED_SUBJECT_TOKEN_LIFETIME);
        Instant subjectExpires = now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        String subjectToken = request.broker().signJwt(SubjectTokens.claims(request, grant, subject, now, subjectExpires, jti));
        if (executable) {
            return new IssuedCredential("gcp", subjectExpires, Map.of("subjectToken", subjectToken,
                    "subjectTokenType", GoogleApis.JWT_TOKEN_TYPE), "subject-token:" + grant.providerPath() + ":" + jti);
        }
        // Impersonation needs cloud-platform on the federated token to call IAM Credentials; the
        // binding's scopes go on the service account's token instead (as Google's libraries do).
        List<String> stsScopes = grant.serviceAccount().isPresent() ? List.of(GcpGrant.CLOUD_PLATFORM) : grant.scopes();
        String sts = grant.stsEndpoint().toString();
        GoogleApis.Token federated = upstream.call(sts,
                () -> google.exchange(grant, subjectToken, stsScopes, request.now()),
                GcpIssuer::retryable, GcpIssuer::outage,
                failure -> Failures.translate(failure, new Failures.Context("sts", sts, grant, subject)));
        if (grant.serviceAccount().isEmpty()) {
            return credential(federated, "federated:" + grant.providerPath() + ":" + jti);
        }
        String email = grant.serviceAccount().get();
        String iam = grant.iamEndpoint().toString();
        GoogleApis.Token impersonated = upstream.call(iam,
                () -> google.generateAccessToken(grant, email, federated.accessToken(), request.ttl()),
                GcpIssuer::retryable, GcpIssuer::outage,
                failure -> Failures.translate(failure, new Failures.Context("iamcredentials", iam, grant, subject)));
        return credential(impersonated, "impersonated:" + email + ":" + jti);
    }

    private static IssuedCredential credential(GoogleApis.Token token, String id) {
        return new IssuedCredential("gcp", token.expiresAt().truncatedTo(ChronoUnit.SECONDS),
                Map.of("accessToken", token.accessToken(), "tokenType", token.tokenType()), id);
    }

    private static boolean retryable(Throwable failure) {
        return failure instanceof GoogleFailure f && f.retryable();
    }

    private static boolean outage(Throwable failure) {
        return !(failure instanceof GoogleFailure f) || f.outage();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
