package dev.keyway.providers.azure;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled azure grant: which app (or user-assigned managed identity) in which tenant, the one
 * {@code .default} scope it asks for, and the Entra ID cloud it asks. {@code authorityHost} has no
 * trailing slash.
 */
record AzureGrant(String tenantId, String clientId, String scope, String authorityHost) implements GrantConfig {

    static final String PUBLIC_CLOUD = "https://login.microsoftonline.com";

    /**
     * Microsoft's Entra ID clouds (public, US Government, China). Only these answer instance
     * discovery; for any other host (Azure Stack Hub, a private proxy) Keyway skips it.
     */
    static final Set<String> KNOWN_CLOUDS = Set.of("login.microsoftonline.com", "login.microsoftonline.us",
            "login.chinacloudapi.cn");

    /**
     * The {@code aud} each Entra ID cloud's federated identity credentials expect (the value its
     * portal and CLI fill in); every other host gets the public cloud's.
     */
    private static final Map<String, String> AUDIENCES = Map.of(
            "login.microsoftonline.us", "api://AzureADTokenExchangeUSGov",
            "login.chinacloudapi.cn", "api://AzureADTokenExchangeChina",
            "login.partner.microsoftonline.cn", "api://AzureADTokenExchangeChina");
    static final String PUBLIC_AUDIENCE = "api://AzureADTokenExchange";

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A verified domain: DNS labels, at least two, as Entra ID accepts in place of the tenant GUID. */
    private static final Pattern DOMAIN = Pattern.compile("(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");
    /** Names of no single tenant: the client-credentials flow needs one. */
    private static final Set<String> MULTI_TENANT = Set.of("common", "organizations", "consumers");
    private static final String DEFAULT_SUFFIX = "/.default";

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tenant-id", tenantId);
        out.put("client-id", clientId);
        out.put("scope", scope);
        out.put("authority-host", authorityHost);
        return out;
    }

    /**
     * Entra ID decides an access token's lifetime (60–90 minutes by default, up to a day with a
     * token lifetime policy); neither the exchange's ttl nor max-ttl can shorten it. 24h is the
     * longest any tenant can configure.
     */
    @Override
    public Duration longestTtl() {
        return Duration.ofHours(24);
    }

    /** Whether MSAL should run instance discovery (authority validation) for this host. */
    boolean knownCloud() {
        return KNOWN_CLOUDS.contains(host());
    }

    /** The client assertion's {@code aud}: what this cloud's federated identity credentials hold. */
    String audience() {
        return AUDIENCES.getOrDefault(host(), PUBLIC_AUDIENCE);
    }

    private String host() {
        return URI.create(authorityHost).getHost().toLowerCase(Locale.ROOT);
    }

    static Optional<AzureGrant> compile(GrantDefinition definition, Problems problems) {
        Fields fields = definition.fields();
        int errors = problems.errorCount();
        Optional<String> tenantId = fields.requiredString("tenant-id").flatMap(t -> tenant(t, fields.location("tenant-id"), problems));
        Optional<String> clientId = fields.requiredString("client-id").flatMap(c -> clientId(c, fields.location("client-id"), problems));
        Optional<String> scope = fields.requiredString("scope").flatMap(s -> scope(s, fields.location("scope"), problems));
        Optional<String> authorityHost = fields.string("authority-host")
                .flatMap(a -> authorityHost(a, fields.location("authority-host"), problems));
        if (fields.has("max-ttl")) {
            problems.warning(fields.location("max-ttl"), "azure grant: max-ttl does not shorten Entra ID access tokens; "
                    + "Entra ID decides their lifetime (60-90 minutes by default) and the exchange reports the real expiresAt");
        }
        fields.finish();
        if (problems.errorCount() > errors || tenantId.isEmpty() || clientId.isEmpty() || scope.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AzureGrant(tenantId.get(), clientId.get(), scope.get(), authorityHost.orElse(PUBLIC_CLOUD)));
    }

    private static Optional<String> tenant(String text, Location where, Problems problems) {
        if (MULTI_TENANT.contains(text.toLowerCase(Locale.ROOT))) {
            problems.error(where, "azure grant: tenant-id '" + text + "' names no single tenant; an app's federated "
                    + "credential lives in one tenant: give its GUID or a verified domain (contoso.onmicrosoft.com)");
            return Optional.empty();
        }
        if (GUID.matcher(text).matches()) {
            return Optional.of(text.toLowerCase(Locale.ROOT));
        }
        if (DOMAIN.matcher(text).matches()) {
            return Optional.of(text);
        }
        problems.error(where, "azure grant: tenant-id '" + text + "' is neither a GUID "
                + "(00000000-0000-0000-0000-000000000000) nor a verified domain (contoso.onmicrosoft.com)");
        return Optional.empty();
    }

    private static Optional<String> clientId(String text, Location where, Problems problems) {
        if (GUID.matcher(text).matches()) {
            return Optional.of(text.toLowerCase(Locale.ROOT));
        }
        problems.error(where, "azure grant: client-id '" + text + "' is not a GUID: use the application (client) ID "
                + "of the app registration or user-assigned managed identity, not its name or object ID");
        return Optional.empty();
    }

    /**
     * The client-credentials flow grants only the application permissions of one resource, asked
     * for as {@code <resource>/.default}; Entra ID refuses anything else (AADSTS1002012). Catch
     * that at load time, not in a failed deploy.
     */
    private static Optional<String> scope(String text, Location where, Problems problems) {
        if (text.isBlank() || text.chars().anyMatch(Character::isWhitespace)) {
            problems.error(where, "azure grant: scope must be one '<resource>/.default' value without spaces, e.g. "
                    + "https://management.azure.com/.default");
            return Optional.empty();
        }
        if (!text.endsWith(DEFAULT_SUFFIX)) {
            problems.error(where, "azure grant: scope '" + text + "' is not a '.default' scope; the client-credentials "
                    + "flow only grants '<resource>/.default' (the app's application permissions on that resource), e.g. "
                    + suggestion(text));
            return Optional.empty();
        }
        String resource = text.substring(0, text.length() - DEFAULT_SUFFIX.length());
        if (GUID.matcher(resource).matches() || isResourceUri(resource)) {
            return Optional.of(text);
        }
        problems.error(where, "azure grant: scope '" + text + "': '" + resource + "' is not a resource: use its "
                + "application ID URI (https://management.azure.com, api://<app-id>) or its application (client) ID");
        return Optional.empty();
    }

    private static boolean isResourceUri(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && !uri.isOpaque() && uri.getRawAuthority() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** For "https://graph.microsoft.com/User.Read" suggest the resource's .default, not "User.Read/.default". */
    private static String suggestion(String text) {
        try {
            URI uri = new URI(text);
            if (uri.isAbsolute() && uri.getRawAuthority() != null) {
                String path = uri.getRawPath() == null ? "" : uri.getRawPath();
                boolean permissionLike = path.matches("/[A-Za-z]+(\\.[A-Za-z]+)+");
                String resource = permissionLike ? uri.getScheme() + "://" + uri.getRawAuthority() : text.replaceAll("/+$", "");
                return "'" + resource + DEFAULT_SUFFIX + "'";
            }
        } catch (URISyntaxException ignored) {
            // fall through to the generic example
        }
        return "'https://management.azure.com/.default'";
    }

    private static Optional<String> authorityHost(String text, Location where, Problems problems) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.error(where, "azure grant: authority-host '" + text + "' is not a URL");
            return Optional.empty();
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            problems.error(where, "azure grant: authority-host '" + text + "' must be an https URL such as "
                    + PUBLIC_CLOUD + " (Azure Identity refuses anything else)");
            return Optional.empty();
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(path.isEmpty() || path.equals("/"))) {
            problems.error(where, "azure grant: authority-host '" + text + "' must be the bare host, e.g. "
                    + "https://login.microsoftonline.us: the tenant comes from tenant-id");
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!KNOWN_CLOUDS.contains(host)) {
            problems.warning(where, "azure grant: authority-host '" + host + "' is not one of Microsoft's Entra ID clouds ("
                    + String.join(", ", KNOWN_CLOUDS.stream().sorted().toList()) + "); Keyway will send the "
                    + "client assertion there without instance discovery");
        }
        return Optional.of("https://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
    }
}
