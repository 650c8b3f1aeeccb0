package dev.keyway.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minted credential. {@code credentials} is the §4 response object for the grant type;
 * {@code id} is what audit may record (session name, serial, key id), never the secret.
 */
public record IssuedCredential(String type, Instant expiresAt, Map<String, Object> credentials, String id) {

    public IssuedCredential {
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
    }

    /** Never prints the credentials themselves: this record ends up in logs by accident otherwise. */
    @Override
    public String toString() {
        return "IssuedCredential[type=" + type + ", expiresAt=" + expiresAt + ", id=" + id + "]";
    }
}
