package dev.keyway.spi;

import dev.keyway.spi.config.Problems;
import java.util.Optional;

/**
 * A grant type (jwt, aws, gcp, azure, x509, ssh). Found by {@link java.util.ServiceLoader} and
 * keyed by {@link #type()}, so adding a grant type touches no switch in the broker.
 *
 * <p>{@link #compile} runs when policy loads (server, {@code policy check}, {@code policy test}
 * alike): it reads the grant's own fields strictly, parses templates and reports every problem. It
 * must not do I/O, and may run for several bindings at once on different threads (a large policy
 * compiles in parallel). {@link #issue} runs per exchange.
 */
public interface CredentialIssuer {

    /** The {@code spec.grant.type} this provider implements. */
    String type();

    /** Validates and pre-compiles one binding's grant; empty when it reported errors. */
    Optional<GrantConfig> compile(GrantDefinition definition, Problems problems);

    /** Mints one credential for a verified, matched identity. */
    IssuedCredential issue(IssueRequest request) throws IssueException;

    /**
     * Whether {@link #issue} waits on a remote API (a cloud's token service). The broker runs such
     * exchanges on many threads, and CPU-bound ones on two threads per core.
     */
    default boolean waitsOnNetwork() {
        return false;
    }
}
