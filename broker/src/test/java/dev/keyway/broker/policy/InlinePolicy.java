package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.util.List;

/** Compiles policy written inline in a test, through the same YAML reader and compiler the broker uses. */
final class InlinePolicy {

    static final String FILE = "inline.yaml";

    /** A github issuer named {@code github}, to put in front of bindings. */
    static final String GITHUB = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: github}
            spec:
              type: github
              issuer: https://token.actions.githubusercontent.com
            ---
            """;

    /** A gitlab issuer named {@code gitlab}. */
    static final String GITLAB = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: gitlab}
            spec:
              type: gitlab
              issuer: https://gitlab.com
            ---
            """;

    /** A generic oidc issuer named {@code idp}: every claim name is known. */
    static final String OIDC = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: idp}
            spec:
              type: oidc
              issuer: https://idp.example.com
            ---
            """;

    private InlinePolicy() {
    }

    static Compilation compile(String yaml) {
        return new PolicyCompiler(GrantTypes.discover()).compile(List.of(SourceFile.inMemory(FILE, yaml)), FILE, new Problems());
    }

    /** Compiles and insists there were no errors. */
    static PolicySet load(String yaml) {
        Compilation compilation = compile(yaml);
        assertEquals(List.of(), compilation.errors().stream().map(Problem::toString).toList(), "policy should load");
        return compilation.policy().orElseThrow();
    }
}
