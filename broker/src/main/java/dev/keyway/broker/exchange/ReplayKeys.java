package dev.keyway.broker.exchange;

import dev.keyway.broker.issuer.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Replay keys: a hash of (iss, jti[, binding]), so the store never holds identifiers in clear.
 * A token without {@code jti} is keyed on its expiry and subject instead, which still makes two
 * uses of one token collide.
 */
final class ReplayKeys {

    private ReplayKeys() {
    }

    static String key(VerifiedToken token, String bindingOrNull) {
        String id = token.jti().orElseGet(() -> "no-jti:" + token.claims().get("sub") + ":" + token.claims().get("iat")
                + ":" + token.expiresAt().getEpochSecond());
        String material = token.issuer().issuer() + "\u0000" + id + (bindingOrNull == null ? "" : "\u0000" + bindingOrNull);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return "replay:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
