package dev.keyway.providers.aws;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.config.FrozenMap;
import dev.keyway.spi.template.Template;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled aws grant. {@code sessionPolicy} is the policy JSON already checked and compacted;
 * {@code sessionTags} keep the order policy wrote them in.
 */
record AwsGrant(String roleArn, Mode mode, String region, Optional<URI> stsEndpoint, Optional<Template> sessionName,
                Map<String, Template> sessionTags, List<String> transitiveTagKeys, Optional<String> sessionPolicy,
                Optional<Template> sourceIdentity) implements GrantConfig {

    /** The longest role session STS grants (a role's MaxSessionDuration is at most 12 hours). */
    static final Duration LONGEST = Duration.ofHours(12);

    AwsGrant {
        sessionTags = FrozenMap.copyOf(sessionTags); // the order policy wrote, in one array: every binding keeps one
        transitiveTagKeys = List.copyOf(transitiveTagKeys);
    }

    /** What the circuit breaker is keyed on and messages name: the configured endpoint or the region's. */
    String endpoint() {
        return stsEndpoint.map(URI::toString).orElse("sts." + region);
    }

    @Override
    public Duration longestTtl() {
        return LONGEST;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("role-arn", roleArn);
        out.put("mode", mode.id());
        out.put("region", region);
        stsEndpoint.ifPresent(e -> out.put("sts-endpoint", e.toString()));
        out.put("session-name", sessionName.map(Template::source).orElse(SessionNames.DEFAULT_DESCRIPTION));
        sessionTags.forEach((key, value) -> out.put("session-tags." + key, value.source()));
        if (!transitiveTagKeys.isEmpty()) {
            out.put("transitive-tag-keys", String.join(",", transitiveTagKeys));
        }
        sessionPolicy.ifPresent(p -> out.put("session-policy", p));
        sourceIdentity.ifPresent(s -> out.put("source-identity", s.source()));
        return out;
    }
}
