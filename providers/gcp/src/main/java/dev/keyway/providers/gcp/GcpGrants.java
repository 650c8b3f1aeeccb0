package dev.keyway.providers.gcp;

import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Durations;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks one binding's gcp grant fields, reporting every problem with its line. No I/O. */
final class GcpGrants {

    static final String RESOURCE_PREFIX = "//iam.googleapis.com/";
    private static final Pattern RESOURCE = Pattern.compile(
            "//iam\\.googleapis\\.com/projects/([^/]+)/locations/([^/]+)/workloadIdentityPools/([^/]+)/providers/([^/]+)");
    /** Pool and provider IDs: 4-32 lowercase letters, digits and hyphens (Google's rule). */
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{4,32}");
    /** user-managed, default compute, App Engine and domain-scoped projects' accounts; or a numeric unique ID. */
    private static final Pattern SERVICE_ACCOUNT = Pattern.compile(
            "[a-z0-9][a-z0-9._-]{0,99}@[a-z0-9][a-z0-9.-]{0,200}\\.gserviceaccount\\.com|\\d{10,30}");
    private static final Pattern SHORT_SCOPE = Pattern.compile("[a-z][a-z0-9._-]*");
    private static final String SCOPE_BASE = "https://www.googleapis.com/auth/";
    private static final Duration GENERATE_ACCESS_TOKEN_DEFAULT_LIMIT = Duration.ofHours(1);

    private GcpGrants() {
    }

    static Optional<GcpGrant> compile(GrantDefinition definition, Problems problems) {
        Fields fields = definition.fields();
        int errors = problems.errorCount();
        Optional<String> provider = fields.string("workload-identity-provider");
        if (!fields.has("workload-identity-provider")) {
            problems.error(fields.location(), "gcp grant: missing required field 'workload-identity-provider' (the "
                    + "workload identity pool provider that trusts Keyway, e.g. " + RESOURCE_PREFIX
                    + "projects/123456789012/locations/global/workloadIdentityPools/keyway/providers/keyway)");
        }
        provider.ifPresent(p -> checkProvider(p, fields.location("workload-identity-provider"), problems));
        Optional<String> serviceAccount = fields.string("service-account");
        serviceAccount.ifPresent(sa -> {
            if (!SERVICE_ACCOUNT.matcher(sa).matches()) {
                problems.error(fields.location("service-account"), "gcp grant: service-account '" + sa
                        + "' is not a service account email (like deployer@my-project.iam.gserviceaccount.com)");
            }
        });
        List<String> scopes = fields.node("scopes").map(node -> scopes(node, problems)).orElse(List.of(GcpGrant.CLOUD_PLATFORM));
        Optional<URI> sts = fields.string("sts-endpoint").flatMap(s -> endpoint("sts-endpoint", s, fields, problems));
        Optional<URI> iam = fields.string("iam-endpoint").flatMap(s -> endpoint("iam-endpoint", s, fields, problems));
        if (iam.isPresent() && serviceAccount.isEmpty()) {
            problems.warning(fields.location("iam-endpoint"), "gcp grant: iam-endpoint is only used with service-account");
        }
        fields.finish();
        if (problems.errorCount() > errors) {
            return Optional.empty();
        }
        lifetimeWarnings(definition, serviceAccount, fields, problems);
        return Optional.of(new GcpGrant(provider.orElseThrow(), serviceAccount, scopes, sts.orElse(GcpGrant.DEFAULT_STS),
                iam.orElse(GcpGrant.DEFAULT_IAM)));
    }

    private static void checkProvider(String text, Location where, Problems problems) {
        String what = "gcp grant: workload-identity-provider '" + text + "'";
        if (text.startsWith("https://iam.googleapis.com/")) {
            problems.error(where, what + " is a URL; write the resource name, " + RESOURCE_PREFIX
                    + text.substring("https://iam.googleapis.com/".length()));
            return;
        }
        if (text.startsWith("projects/")) {
            problems.error(where, what + " lacks the service prefix; write " + RESOURCE_PREFIX + text);
            return;
        }
        if (text.contains("/workforcePools/")) {
            problems.error(where, what + " is a workforce pool (people); Keyway federates workloads through a "
                    + "workload identity pool provider");
            return;
        }
        Matcher m = RESOURCE.matcher(text);
        if (!m.matches()) {
            problems.error(where, what + " is not a workload identity pool provider; write " + RESOURCE_PREFIX
                    + "projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER");
            return;
        }
        if (!m.group(1).chars().allMatch(Character::isDigit)) {
            problems.error(where, what + " names project '" + m.group(1) + "': use the project number, not its ID "
                    + "(gcloud projects describe " + m.group(1) + " --format='value(projectNumber)')");
        }
        if (!m.group(2).equals("global")) {
            problems.error(where, what + ": workload identity pools live in location 'global', not '" + m.group(2) + "'");
        }
        if (!ID.matcher(m.group(3)).matches() || m.group(3).startsWith("gcp-")) {
            problems.error(where, what + ": pool ID '" + m.group(3) + "' must be 4-32 lowercase letters, digits or "
                    + "hyphens and not start with 'gcp-'");
        }
        if (!ID.matcher(m.group(4)).matches()) {
            problems.error(where, what + ": provider ID '" + m.group(4) + "' must be 4-32 lowercase letters, digits or hyphens");
        }
    }

    /** Full URLs as written; a bare name is short for https://www.googleapis.com/auth/NAME. Each item on its own line. */
    private static List<String> scopes(Node node, Problems problems) {
        List<Node> items = node instanceof Node.Sequence seq ? seq.items() : List.of(node);
        if (items.isEmpty()) {
            problems.error(node.location(), "gcp grant: 'scopes' must not be an empty list");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Node item : items) {
            if (!(item instanceof Node.Scalar s && s.type() == Node.Scalar.ScalarType.STRING)) {
                problems.error(item.location(), "gcp grant: 'scopes' must be a string or a list of strings, not " + item.kind());
                continue;
            }
            String scope = s.text();
            if (scope.startsWith("https://") && scope.length() > "https://".length() && scope.chars().noneMatch(Character::isWhitespace)) {
                out.add(scope);
            } else if (SHORT_SCOPE.matcher(scope).matches()) {
                out.add(SCOPE_BASE + scope);
            } else {
                problems.error(item.location(), "gcp grant: scope '" + scope + "' is neither an https URL nor a short name "
                        + "like cloud-platform or devstorage.read_only");
            }
        }
        return List.copyOf(out);
    }

    /** A base URL: https, a host, an optional port, nothing else (Keyway appends the API path). */
    private static Optional<URI> endpoint(String field, String text, Fields fields, Problems problems) {
        Location where = fields.location(field);
        String what = "gcp grant: " + field + " '" + text + "'";
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            problems.error(where, what + " is not a URL");
            return Optional.empty();
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            problems.error(where, what + " must be an https URL with a host (Google's endpoints and Private Service "
                    + "Connect endpoints are https)");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            problems.error(where, what + " must be a base URL like https://" + uri.getHost()
                    + " (no path, query or credentials): Keyway appends the API path");
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.endsWith(".googleapis.com")) {
            problems.warning(where, what + " is outside googleapis.com: Keyway sends subject tokens and access tokens "
                    + "there, so it must be your own Private Service Connect endpoint");
        }
        return Optional.of(URI.create("https://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "")));
    }

    private static void lifetimeWarnings(GrantDefinition definition, Optional<String> serviceAccount, Fields fields,
                                         Problems problems) {
        Duration maxTtl = definition.maxTtl();
        if (serviceAccount.isPresent() && maxTtl.compareTo(GENERATE_ACCESS_TOKEN_DEFAULT_LIMIT) > 0) {
            problems.warning(fields.location("max-ttl"), "gcp grant: max-ttl " + Durations.format(maxTtl)
                    + " exceeds 1h: generateAccessToken refuses longer lifetimes unless the organization policy "
                    + "constraints/iam.allowServiceAccountCredentialLifetimeExtension lists " + serviceAccount.get());
        }
        if (serviceAccount.isEmpty() && maxTtl.compareTo(GENERATE_ACCESS_TOKEN_DEFAULT_LIMIT) < 0) {
            problems.warning(fields.location("max-ttl"), "gcp grant: without service-account the federated token "
                    + "lives as long as Google STS decides (up to 1h), which may exceed max-ttl " + Durations.format(maxTtl)
                    + "; set service-account to bound it");
        }
    }
}
