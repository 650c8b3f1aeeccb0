package dev.keyway.providers.ssh;

import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.template.Template;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A compiled ssh grant. Extensions and critical options are kept sorted by name: OpenSSH's
 * certificate format wants them in lexical order.
 */
record SshGrant(List<Template> principals, Optional<Template> keyId, List<String> extensions,
                SortedMap<String, String> criticalOptions) implements GrantConfig {

    SshGrant {
        principals = List.copyOf(principals);
        extensions = extensions.stream().sorted().toList();
        // Most grants set none: the shared empty map rather than an empty tree per binding.
        criticalOptions = criticalOptions.isEmpty() ? java.util.Collections.emptySortedMap()
                : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(criticalOptions));
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("principals", String.join(",", principals.stream().map(Template::source).toList()));
        out.put("key-id", keyId.map(Template::source).orElse(SshIssuer.DEFAULT_KEY_ID));
        out.put("extensions", String.join(",", extensions));
        criticalOptions.forEach((name, value) -> out.put("critical-options." + name, value));
        return out;
    }
}
