package dev.keyway.providers.jwt;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.template.Template;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A compiled jwt grant: audiences, the subject template and templated extra claims. */
record JwtGrant(List<String> audiences, Optional<Template> subject, Map<String, List<Template>> claims, Map<String, Boolean> listClaims)
        implements GrantConfig {

    JwtGrant {
        audiences = List.copyOf(audiences);
        claims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims)); // keep the order policy wrote
        listClaims = Map.copyOf(listClaims);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("audience", String.join(",", audiences));
        out.put("subject", subject.map(Template::source).orElse("<binding>:{{sub}}"));
        claims.forEach((name, templates) -> out.put("claims." + name,
                String.join(",", templates.stream().map(Template::source).toList())));
        return out;
    }
}
