package dev.keyway.providers.gcp;

import dev.keyway.spi.GrantConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled gcp grant. {@code provider} is the workload identity pool provider's full resource name
 * ({@code //iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/X}):
 * the minted subject token's {@code aud} and STS's {@code audience}. Endpoints are base URLs.
 */
record GcpGrant(String provider, Optional<String> serviceAccount, List<String> scopes, URI stsEndpoint, URI iamEndpoint)
        implements GrantConfig {

    static final URI DEFAULT_STS = URI.create("https://sts.googleapis.com");
    static final URI DEFAULT_IAM = URI.create("https://iamcredentials.googleapis.com");
    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

    /**
     * generateAccessToken's hard limit (43200 s). Above 1h Google also needs the organization policy
     * constraints/iam.allowServiceAccountCredentialLifetimeExtension to list the service account.
     */
    static final Duration LONGEST = Duration.ofHours(12);

    GcpGrant {
        scopes = List.copyOf(scopes);
    }

    /** The STS token endpoint: {@code <sts-endpoint>/v1/token}. */
    String tokenUrl() {
        return stsEndpoint + "/v1/token";
    }

    /** IAM Credentials generateAccessToken for {@code email}. */
    String generateAccessTokenUrl(String email) {
        return iamEndpoint + "/v1/projects/-/serviceAccounts/" + email + ":generateAccessToken";
    }

    /** The resource name without the {@code //iam.googleapis.com/} prefix, for ids and messages. */
    String providerPath() {
        return provider.substring(GcpGrants.RESOURCE_PREFIX.length());
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("workload-identity-provider", provider);
        serviceAccount.ifPresent(sa -> out.put("service-account", sa));
        out.put("scopes", String.join(" ", scopes));
        out.put("sts-endpoint", stsEndpoint.toString());
        out.put("iam-endpoint", iamEndpoint.toString());
        return out;
    }

    @Override
    public Duration longestTtl() {
        return LONGEST;
    }
}
