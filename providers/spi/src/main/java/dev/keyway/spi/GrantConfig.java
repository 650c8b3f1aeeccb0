package dev.keyway.spi;

import java.time.Duration;
import java.util.Map;

/** A grant as its provider compiled it: immutable, ready to issue from without further parsing. */
public interface GrantConfig {

    /**
     * Every configured value as text (template sources included), for lint rules that look at
     * what a grant reaches, e.g. a production-looking role or audience.
     */
    Map<String, String> describe();

    /** Providers may cap the binding's max-ttl lower (AWS role sessions, ...); default: no cap. */
    default Duration longestTtl() {
        return Duration.ofHours(24);
    }
}
