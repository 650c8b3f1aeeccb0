package dev.keyway.providers.ssh;

/**
 * Keeps Apache MINA SSHD from registering Bouncy Castle as a JVM-wide JCA provider, which it does
 * by default the first time it needs a key. Registered last in the provider list, BC becomes the
 * fallback of every delayed-provider-selection lookup: where the JDK refuses a key (an RSA key with
 * public exponent 1, say), {@code Signature} silently retries with BC, which accepts it, and the
 * broker's token verification gets weaker. With this property sshd uses its own BC instance.
 *
 * <p>sshd reads it once, when it first registers providers: call {@link #configure()} before any
 * sshd key or certificate code runs (both the ssh grant and the broker's SSH CA loader do).
 */
public final class SshSecurity {

    static final String PROPERTY = "org.apache.sshd.security.provider.BC.useNamed";

    private SshSecurity() {
    }

    public static void configure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
    }
}
