package dev.keyway.providers.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.Lazy;

/**
 * One STS client per (mode, region, endpoint), built on first use and kept: clients hold
 * connection pools and resolved endpoints, and policy reloads must not leak them. All share one
 * HTTP client. The SDK's own retries are off ({@code Upstream} retries, and only what is safe);
 * every call has a short overall timeout so a hanging STS fails the exchange within seconds.
 */
final class StsClients {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private record Key(Mode mode, String region, Optional<URI> endpoint) {
    }

    private final Duration callTimeout;
    private final Lazy<AwsCredentialsProvider> ambient;
    /** Built on first use: its TLS set-up (the JDK trust store) would otherwise cost every broker's start-up. */
    private final Lazy<SdkHttpClient> http;
    private final Map<Key, StsClient> clients = new ConcurrentHashMap<>();

    /**
     * {@code ambient}: the broker's own identity for assume-role mode, asked for only when a
     * binding uses that mode (the default chain: environment, web identity token file, EKS Pod
     * Identity, instance profile, ...).
     */
    StsClients(Duration callTimeout, Supplier<AwsCredentialsProvider> ambient) {
        this.callTimeout = callTimeout;
        this.ambient = new Lazy<>(ambient);
        this.http = new Lazy<>(() -> UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2).compareTo(callTimeout) < 0 ? Duration.ofSeconds(2) : callTimeout)
                .socketTimeout(callTimeout)
                .build());
    }

    static StsClients standard() {
        return new StsClients(CALL_TIMEOUT, () -> DefaultCredentialsProvider.builder().build());
    }

    Duration callTimeout() {
        return callTimeout;
    }

    StsClient client(AwsGrant grant) {
        return clients.computeIfAbsent(new Key(grant.mode(), grant.region(), grant.stsEndpoint()), this::build);
    }

    private StsClient build(Key key) {
        var builder = StsClient.builder()
                .region(Region.of(key.region()))
                .httpClient(http.getValue())
                // AssumeRoleWithWebIdentity is unsigned: its JWT is the credential.
                .credentialsProvider(key.mode() == Mode.WEB_IDENTITY ? AnonymousCredentialsProvider.create() : ambient.getValue())
                .overrideConfiguration(c -> c
                        .apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(callTimeout)
                        .retryStrategy(AwsRetryStrategy.doNotRetry()));
        key.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
