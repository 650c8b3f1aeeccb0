package dev.keyway.providers.x509;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.template.Template;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A compiled x509 grant: the SPIFFE ID template, DNS name templates and the TLS usages. */
record X509Grant(Template spiffeId, List<Template> dnsNames, Set<Usage> usages) implements GrantConfig {

    X509Grant {
        dnsNames = List.copyOf(dnsNames);
        usages = Set.copyOf(usages);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("spiffe-id", spiffeId.source());
        if (!dnsNames.isEmpty()) {
            out.put("dns-names", String.join(",", dnsNames.stream().map(Template::source).toList()));
        }
        out.put("usage", String.join(",", usages.stream().sorted().map(Usage::id).toList()));
        return out;
    }
}
