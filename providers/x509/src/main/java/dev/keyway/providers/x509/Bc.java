package dev.keyway.providers.x509;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * One Bouncy Castle provider for the grant, used by instance and never registered JVM-wide.
 * Created on first use (class-holder idiom), so {@code policy check} never pays for it.
 */
final class Bc {

    static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
