package dev.keyway.providers.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.util.Configuration;
import com.azure.identity.ClientAssertionCredentialBuilder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The {@code azure} grant: an Entra ID access token for an app registration or user-assigned
 * managed identity that trusts Keyway through a federated identity credential. Keyway signs a
 * short-lived client assertion (iss = its public URL, aud = {@code api://AzureADTokenExchange} or the
 * sovereign cloud's own, sub =
 * {@code <binding>:<caller's sub>}) and redeems it at the tenant's token endpoint with the
 * client-credentials grant. No secret exists anywhere.
 */
public final class AzureIssuer implements CredentialIssuer {

    /** Redeemed within seconds; long enough for the retries, short enough to be useless if it leaked. */
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);
    /** Entra ID stores a federated credential's subject in at most 600 characters: a longer one can never match. */
    static final int MAX_SUBJECT = 600;
    /** What an access token may look like: it travels in headers and dotenv lines unquoted. */
    private static final Pattern TOKEN_TEXT = Pattern.compile("[A-Za-z0-9\\-._~+/=]+");

    private final EntraHttp http;
    private final Upstream upstream;
    private final boolean instanceDiscovery;
    /** MSAL runs each token request on an executor; without one it would block ForkJoinPool.commonPool(). */
    private final ExecutorService executor;

    /** Production: Microsoft's endpoints, default timeouts and retries. Found by {@link java.util.ServiceLoader}. */
    public AzureIssuer() {
        this(new EntraHttp(EntraHttp.Timeouts.DEFAULT, List.of()), Upstream.Settings.DEFAULT, true);
    }

    /**
     * For tests: {@code http} may reroute requests to a stand-in; {@code instanceDiscovery} false
     * skips MSAL's authority validation call even for Microsoft's clouds.
     */
    AzureIssuer(EntraHttp http, Upstream.Settings settings, boolean instanceDiscovery) {
        this.http = http;
        this.upstream = new Upstream("entra", settings);
        this.instanceDiscovery = instanceDiscovery;
        this.executor = Executors.newCachedThreadPool(daemonThreads());
    }

    @Override
    public boolean waitsOnNetwork() {
        return true;
    }

    @Override
    public String type() {
        return "azure";
    }

    @Override
    public Optional<GrantConfig> compile(GrantDefinition definition, Problems problems) {
        return AzureGrant.compile(definition, problems).map(GrantConfig.class::cast);
    }

    @Override
    public IssuedCredential issue(IssueRequest request) throws IssueException {
        AzureGrant grant = (AzureGrant) request.grant();
        String subject = subject(request);
        String assertion = assertion(request, subject, grant.audience());
        EntraFailure.Context about = new EntraFailure.Context(grant.clientId(), grant.tenantId(), grant.authorityHost(),
                request.broker().publicUrl(), subject, grant.audience(), http.timeouts());
        String endpoint = grant.authorityHost() + "/" + grant.tenantId() + "/oauth2/v2.0/token";
        AtomicReference<String> correlation = new AtomicReference<>();
        AccessToken token = upstream.call(endpoint, () -> redeem(grant, assertion, correlation),
                EntraFailure::retryable, EntraFailure::countsAsFailure, failure -> EntraFailure.translate(failure, about));
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("accessToken", token.getToken());
        credentials.put("tokenType", token.getTokenType() == null || token.getTokenType().isBlank() ? "Bearer" : token.getTokenType());
        credentials.put("tenantId", grant.tenantId());
        credentials.put("clientId", grant.clientId());
        // Audit's credential id: the correlation ID Entra ID files this sign-in under (the app is the binding's).
        // Not the client ID: the contract keeps every credential field out of the id.
        String id = Optional.ofNullable(correlation.get()).orElseGet(() -> UUID.randomUUID().toString());
        return new IssuedCredential("azure", Instant.ofEpochSecond(token.getExpiresAt().toEpochSecond()), credentials, id);
    }

    /** One credential per exchange (the assertion is this caller's), over the shared HTTP client. */
    private AccessToken redeem(AzureGrant grant, String assertion, AtomicReference<String> correlation) {
        ClientAssertionCredentialBuilder builder = new ClientAssertionCredentialBuilder()
                // The broker's own AZURE_* environment (AKS workload identity sets AZURE_AUTHORITY_HOST, ...) is not
                // the binding's. First: setting a configuration resets the authority host read from it.
                .configuration(Configuration.NONE)
                .tenantId(grant.tenantId())
                .clientId(grant.clientId())
                .clientAssertion(() -> assertion)
                .authorityHost(grant.authorityHost())
                .pipeline(http.pipeline(correlation))
                .executorService(executor);
        if (!instanceDiscovery || !grant.knownCloud()) {
            builder.disableInstanceDiscovery();
        }
        AccessToken token = builder.build().getTokenSync(new TokenRequestContext().addScopes(grant.scope()));
        if (token == null || token.getToken() == null || !TOKEN_TEXT.matcher(token.getToken()).matches()) {
            throw EntraAnswer.malformed("an access_token with characters no token has");
        }
        if (token.getExpiresAt() == null || !token.getExpiresAt().toInstant().isAfter(Instant.now())) {
            throw EntraAnswer.malformed("the token is already expired");
        }
        return token;
    }

    /**
     * {@code <binding>:<caller's sub>}. A federated identity credential matches its subject exactly,
     * so this rule is what Azure administrators copy into it; binding names never contain ':', so
     * the first colon splits it unambiguously.
     */
    static String subject(IssueRequest request) throws IssueException {
        String subject = request.bindingSubject().orElseThrow(() -> new IssueException("invalid_request", "azure grant:"
                + " the token has no sub claim, so there is no subject for Entra ID's federated identity credential to match"));
        if (subject.length() > MAX_SUBJECT) {
            throw new IssueException("invalid_request", "azure grant: the subject '" + request.binding() + ":<sub>' is "
                    + subject.length() + " characters; Entra ID federated identity credentials hold at most " + MAX_SUBJECT);
        }
        return subject;
    }

    private static String assertion(IssueRequest request, String subject, String audience) throws IssueException {
        Instant now = request.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", request.broker().publicUrl());
        claims.put("sub", subject);
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return request.broker().signJwt(claims);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "keyway-entra-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
