package dev.keyway.providers.aws;

import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Durations;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one binding's aws grant strictly, collecting every problem with its line. No I/O. */
final class AwsGrantCompiler {

    /** {@code arn:<partition>:iam::<12-digit account>:role/<optional/path/>name}; names are 1–64 characters. */
    private static final Pattern ROLE_ARN = Pattern.compile(
            "arn:(aws(?:-[a-z]+)*):iam::(\\d{12}):role/((?:[\\x21-\\x2E\\x30-\\x7E]+/)*)([\\w+=,.@-]{1,64})");
    private static final Pattern REGION = Pattern.compile("[a-z]{2,4}(-[a-z]+)+-\\d{1,2}");
    /** STS's limit on the plaintext of an inline session policy. */
    static final int MAX_POLICY = 2048;
    static final Duration AWS_MINIMUM = Duration.ofMinutes(15);
    /** A role session that assumes another role ("role chaining") gets at most one hour. */
    static final Duration ROLE_CHAINING_LIMIT = Duration.ofHours(1);

    private final GrantDefinition definition;
    private final Fields fields;
    private final Problems problems;
    /** The prefix of every message, as the broker's own: which binding, which grant. */
    private final String what;

    private AwsGrantCompiler(GrantDefinition definition, Problems problems) {
        this.definition = definition;
        this.what = "Binding '" + definition.binding() + "': aws grant";
        this.fields = definition.fields();
        this.problems = problems;
    }

    static Optional<AwsGrant> compile(GrantDefinition definition, Problems problems) {
        return new AwsGrantCompiler(definition, problems).compile();
    }

    private Optional<AwsGrant> compile() {
        int errors = problems.errorCount();
        Optional<String> roleArn = fields.requiredString("role-arn").filter(this::validRoleArn);
        Mode mode = fields.string("mode").flatMap(text -> {
            Optional<Mode> m = Mode.byId(text);
            if (m.isEmpty()) {
                error("mode", "mode must be web-identity or assume-role, not '" + text + "'");
            }
            return m;
        }).orElse(Mode.WEB_IDENTITY);
        Optional<String> region = fields.string("region").filter(this::validRegion);
        Optional<URI> endpoint = fields.string("sts-endpoint").flatMap(this::endpoint);
        Optional<Template> sessionName = fields.string("session-name").flatMap(this::sessionName);
        Map<String, Template> tags = sessionTags();
        List<String> transitive = transitiveTagKeys(tags);
        Optional<String> policy = fields.string("session-policy").flatMap(this::sessionPolicy);
        Optional<Template> sourceIdentity = fields.string("source-identity").flatMap(this::sourceIdentity);
        fields.finish();
        roleArn.ifPresent(arn -> checkPartition(arn, region.orElse(AwsIssuer.DEFAULT_REGION)));
        if (definition.maxTtl().compareTo(AWS_MINIMUM) < 0) {
            problems.warning(fields.location("max-ttl"), what + ": max-ttl " + Durations.format(definition.maxTtl())
                    + " is below AWS's shortest role session (15m): the credentials will last 15m");
        }
        if (mode == Mode.ASSUME_ROLE && definition.maxTtl().compareTo(ROLE_CHAINING_LIMIT) > 0) {
            problems.warning(fields.location("max-ttl"), what + ": max-ttl " + Durations.format(definition.maxTtl())
                    + " exceeds 1h, the limit STS puts on role chaining: when the broker's own identity is a role"
                    + " session (IRSA, EKS Pod Identity, an instance profile), longer sessions fail with ValidationError");
        }
        if (problems.errorCount() > errors || roleArn.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AwsGrant(roleArn.get(), mode, region.orElse(AwsIssuer.DEFAULT_REGION), endpoint, sessionName,
                tags, transitive, policy, sourceIdentity));
    }

    private boolean validRoleArn(String arn) {
        if (arn.length() > 2048 || !ROLE_ARN.matcher(arn).matches()) {
            error("role-arn", "role-arn '" + arn + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME,"
                    + " optionally with a path: role/ci/NAME)");
            return false;
        }
        return true;
    }

    private boolean validRegion(String region) {
        if (!REGION.matcher(region).matches()) {
            error("region", "region '" + region + "' is not an AWS region name (e.g. us-east-1, eu-central-1)");
            return false;
        }
        return true;
    }

    /** A role in aws-cn cannot be assumed through us-east-1's STS, and so on: catch it at load. */
    private void checkPartition(String arn, String region) {
        Matcher m = ROLE_ARN.matcher(arn);
        if (!m.matches() || !REGION.matcher(region).matches()) {
            return;
        }
        String partition = m.group(1);
        String expected = partitionOf(region);
        if (!partition.equals(expected)) {
            error(fields.has("region") ? "region" : "role-arn", "role-arn is in partition " + partition + " but region "
                    + region + " belongs to " + expected + "; set region to one of " + partition + "'s regions");
        }
    }

    static String partitionOf(String region) {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (region.startsWith("us-isob-")) {
            return "aws-iso-b";
        }
        if (region.startsWith("us-isof-")) {
            return "aws-iso-f";
        }
        if (region.startsWith("eu-isoe-")) {
            return "aws-iso-e";
        }
        if (region.startsWith("us-iso-")) {
            return "aws-iso";
        }
        if (region.startsWith("eusc-")) {
            return "aws-eusc";
        }
        return "aws";
    }

    /** https only: the call carries a bearer JWT or the broker's signature. http is for loopback stand-ins. */
    private Optional<URI> endpoint(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            error("sts-endpoint", "sts-endpoint '" + text + "' is not a URL: " + e.getReason());
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            error("sts-endpoint", "sts-endpoint '" + text + "' must be an https URL such as https://sts.eu-west-1.amazonaws.com");
            return Optional.empty();
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            error("sts-endpoint", "sts-endpoint '" + text + "' must use https (http is allowed only for loopback test stand-ins)");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            error("sts-endpoint", "sts-endpoint '" + text + "' must be a bare origin (scheme, host, optional port),"
                    + " without credentials, path, query or fragment");
            return Optional.empty();
        }
        return Optional.of(URI.create(scheme + "://" + uri.getRawAuthority()));
    }

    private static boolean loopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: resolving it would be I/O, and only localhost is loopback by definition
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private Optional<Template> sessionName(String text) {
        Location where = fields.location("session-name");
        Optional<Template> template = Template.parse(text, where, definition.claims(), problems);
        template.ifPresent(t -> {
            String literal = SessionNames.literalText(t);
            SessionNames.firstDisallowed(literal).ifPresent(c -> error("session-name", "session-name '" + text
                    + "' contains '" + c + "': AWS session names allow only [A-Za-z0-9_+=,.@-] (claim values are"
                    + " sanitized, literal text must already comply)"));
            if (literal.length() > SessionNames.MAX) {
                error("session-name", "session-name '" + text + "' is longer than " + SessionNames.MAX + " characters");
            } else if (t.isLiteral() && literal.length() < SessionNames.MIN) {
                error("session-name", "session-name '" + text + "' must be at least " + SessionNames.MIN + " characters");
            }
        });
        return template;
    }

    private Map<String, Template> sessionTags() {
        Map<String, Template> tags = new LinkedHashMap<>();
        Optional<Fields> tagFields = fields.mapping("session-tags");
        if (tagFields.isEmpty()) {
            return tags;
        }
        Fields f = tagFields.get();
        Set<String> seen = new HashSet<>();
        for (String key : f.keys()) {
            Location where = f.location(key);
            TagRules.keyProblem(key).ifPresent(p -> problems.error(where, what + ": session tag key '" + key + "' " + p));
            if (!seen.add(key.toLowerCase(Locale.ROOT))) {
                problems.error(where, what + ": session tag key '" + key + "' repeats another key (AWS tag keys ignore case)");
            }
            f.string(key).flatMap(text -> Template.parse(text, where, definition.claims(), problems)).ifPresent(t -> {
                String literal = SessionNames.literalText(t);
                if (!TagRules.validValueText(literal)) {
                    problems.error(where, what + ": session tag '" + key + "' value '" + t.source() + "' may contain only "
                            + TagRules.TAG_CHARACTERS);
                } else if (literal.length() > TagRules.MAX_VALUE) {
                    problems.error(where, what + ": session tag '" + key + "' value is longer than " + TagRules.MAX_VALUE + " characters");
                }
                tags.put(key, t);
            });
        }
        f.finish();
        if (f.keys().size() > TagRules.MAX_TAGS) {
            error("session-tags", "session-tags has " + f.keys().size() + " tags; AWS accepts at most " + TagRules.MAX_TAGS);
        }
        return tags;
    }

    private List<String> transitiveTagKeys(Map<String, Template> tags) {
        List<String> keys = fields.stringList("transitive-tag-keys").orElse(List.of());
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (!tags.containsKey(key)) {
                error("transitive-tag-keys", "transitive-tag-keys names '" + key + "', which is not a key of session-tags"
                        + (tags.isEmpty() ? " (there are none)" : " (" + String.join(", ", tags.keySet()) + ")"));
            } else if (out.contains(key)) {
                error("transitive-tag-keys", "transitive-tag-keys names '" + key + "' twice");
            } else {
                out.add(key);
            }
        }
        return out;
    }

    private Optional<String> sessionPolicy(String text) {
        StrictJson.Checked json;
        try {
            json = StrictJson.object(text);
        } catch (StrictJson.Invalid e) {
            error("session-policy", "session-policy is not valid JSON: " + e.getMessage());
            return Optional.empty();
        }
        if (!json.topLevelKeys().contains("Statement")) {
            error("session-policy", "session-policy has no \"Statement\": an IAM policy document needs one");
            return Optional.empty();
        }
        if (json.compact().chars().anyMatch(c -> c > 0xFF)) {
            error("session-policy", "session-policy contains characters beyond U+00FF, which STS refuses; write them as \\uXXXX escapes");
            return Optional.empty();
        }
        if (json.compact().length() > MAX_POLICY) {
            error("session-policy", "session-policy is " + json.compact().length() + " characters without whitespace;"
                    + " STS accepts at most " + MAX_POLICY);
            return Optional.empty();
        }
        return Optional.of(json.compact());
    }

    private Optional<Template> sourceIdentity(String text) {
        Optional<Template> template = Template.parse(text, fields.location("source-identity"), definition.claims(), problems);
        template.ifPresent(t -> {
            String literal = SessionNames.literalText(t);
            SessionNames.firstDisallowed(literal).ifPresent(c -> error("source-identity", "source-identity '" + text
                    + "' contains '" + c + "': AWS allows only [A-Za-z0-9_+=,.@-]"));
            if (literal.length() > SessionNames.MAX || t.isLiteral() && literal.length() < SessionNames.MIN) {
                error("source-identity", "source-identity '" + text + "' must be 2 to 64 characters");
            }
        });
        return template;
    }

    private void error(String key, String message) {
        problems.error(fields.location(key), what + ": " + message);
    }
}
