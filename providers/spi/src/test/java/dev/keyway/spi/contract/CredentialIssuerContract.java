package dev.keyway.spi.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What every grant provider promises, whatever its cloud. A provider's test extends this class
 * and supplies a grant that compiles and a way to mint one credential against its stand-in.
 */
public abstract class CredentialIssuerContract {

    /** The provider under test, wired to its test stand-in where it calls out. */
    protected abstract CredentialIssuer provider();

    /** Grant fields (without {@code type} and {@code max-ttl}) that compile cleanly. */
    protected abstract Node.Mapping validGrant();

    /** Mints one credential for {@code grant} with a {@code ttl} of 15 minutes, against the provider's stand-in. */
    protected abstract IssuedCredential issue(GrantConfig grant) throws Exception;

    protected Duration ttl() {
        return Duration.ofMinutes(15);
    }

    /**
     * Credential fields that are identifiers rather than secrets, so the audit id may repeat them
     * (a certificate's serial is what sshd logs and revocation lists name). Default: none.
     */
    protected Set<String> nonSecretFields() {
        return Set.of();
    }

    protected GrantConfig compile(Node.Mapping fields, Problems problems) {
        return provider().compile(new GrantDefinition("contract", new Fields(fields, "grant", problems), ClaimCatalog.ANY,
                Duration.ofHours(1)), problems).orElse(null);
    }

    @Test
    void theProviderIsFoundByItsTypeName() {
        String type = provider().type();
        assertFalse(type.isBlank());
        assertTrue(ServiceLoader.load(CredentialIssuer.class).stream().anyMatch(p -> p.type().equals(provider().getClass())),
                "META-INF/services/dev.keyway.spi.CredentialIssuer registers " + provider().getClass().getName());
    }

    @Test
    void theValidGrantCompilesWithoutProblems() {
        Problems problems = new Problems();
        GrantConfig grant = compile(validGrant(), problems);
        assertEquals(List.of(), problems.all());
        assertTrue(grant != null);
        assertFalse(grant.describe().isEmpty(), "describe() feeds lint rules");
    }

    @Test
    void anUnknownFieldIsAnErrorOnItsLine() {
        Problems problems = new Problems();
        compile(Nodes.with(validGrant(), "roel-arn", "typo"), problems);
        assertTrue(problems.errors().stream().anyMatch(p -> p.location().line() == 99 && p.message().contains("roel-arn")),
                problems.all().toString());
    }

    @TestFactory
    Stream<DynamicTest> aWrongTypeInAnyFieldIsReportedNotThrown() {
        return validGrant().entries().keySet().stream().map(field -> DynamicTest.dynamicTest(field + " given the wrong type", () -> {
            // A mapping where a value belongs; a boolean where a mapping belongs.
            Object wrong = validGrant().entries().get(field) instanceof Node.Mapping ? Boolean.TRUE : Nodes.map("nested", "value");
            Node.Mapping broken = Nodes.with(validGrant(), field, wrong);
            Problems problems = new Problems();
            assertDoesNotThrow(() -> compile(broken, problems));
            assertTrue(problems.hasErrors(), "the wrong type in " + field + " must be an error");
            for (Problem p : problems.errors()) {
                assertTrue(p.location().line() > 0, "every problem has a line: " + p);
            }
        }));
    }

    @Test
    void anIssuedCredentialKeepsItsSecretsOutOfItsIdAndToString() throws Exception {
        Problems problems = new Problems();
        GrantConfig grant = compile(validGrant(), problems);
        Instant before = Instant.now();
        IssuedCredential credential = issue(grant);
        assertEquals(provider().type(), credential.type());
        assertFalse(credential.credentials().isEmpty());
        assertTrue(credential.expiresAt().isAfter(before), "expires in the future");
        assertTrue(credential.expiresAt().isBefore(before.plus(ttl()).plusSeconds(120)), "no longer than asked");
        assertFalse(credential.id() == null || credential.id().isBlank(), "audit needs an id");
        for (Map.Entry<String, Object> entry : credential.credentials().entrySet()) {
            String value = String.valueOf(entry.getValue());
            boolean isTheExpiry = value.equals(credential.expiresAt().toString()); // public: toString shows it on purpose
            if (value.length() >= 16 && !isTheExpiry && !nonSecretFields().contains(entry.getKey())) {
                assertFalse(credential.id().contains(value), "the audit id must not be the secret " + entry.getKey());
                assertFalse(credential.toString().contains(value), "toString must not show " + entry.getKey());
            }
        }
    }
}
