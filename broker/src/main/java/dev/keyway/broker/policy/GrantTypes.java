package dev.keyway.broker.policy;

import dev.keyway.spi.CredentialIssuer;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The grant providers on the classpath, by type name. */
public final class GrantTypes {

    private final Map<String, CredentialIssuer> byType;

    public GrantTypes(Iterable<CredentialIssuer> providers) {
        Map<String, CredentialIssuer> map = new TreeMap<>();
        for (CredentialIssuer provider : providers) {
            CredentialIssuer previous = map.putIfAbsent(provider.type(), provider);
            if (previous != null) {
                throw new IllegalStateException("two providers implement grant type '" + provider.type() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        this.byType = Map.copyOf(map);
    }

    public static GrantTypes discover() {
        return new GrantTypes(ServiceLoader.load(CredentialIssuer.class, GrantTypes.class.getClassLoader()));
    }

    public Optional<CredentialIssuer> provider(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public String available() {
        return String.join(", ", new TreeMap<>(byType).keySet());
    }
}
