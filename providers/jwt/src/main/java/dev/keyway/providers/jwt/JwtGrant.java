package dev.keyway.providers.jwt;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.config.FrozenMap;
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
        Map<String, List<Template>> exact = new LinkedHashMap<>();
        claims.forEach((name, templates) -> exact.put(name, List.copyOf(templates)));
        claims = FrozenMap.copyOf(exact); // the order policy wrote, in one array: every binding keeps one

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
