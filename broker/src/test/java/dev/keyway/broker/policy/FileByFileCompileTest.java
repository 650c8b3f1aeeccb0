package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bindings in files that cannot declare an issuer are compiled as soon as their file is parsed
 * ({@link PolicyCompiler}). Appending a comment that mentions Issuer to every file sends the same
 * policy, line for line, through the other path (every file read before any binding compiles), so
 * each policy here is compiled both ways and must come out the same, problems and their order
 * included.
 */
class FileByFileCompileTest {

    private static final String ISSUERS = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: github}
            spec: {type: github, issuer: "https://token.actions.githubusercontent.com"}
            ---
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: broken}
            spec: {type: gitlab, issuer: ""}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: first-here}
            spec: {issuer: github, match: {repository: acme/api, ref: refs/heads/main}, grant: {type: jwt, audience: vault}}
            """;

    private static final String BINDINGS = """
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: deploy}
            spec: {issuer: github, match: {repository: acme/api, ref: refs/heads/main}, grant: {type: jwt, audience: vault}}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: typo}
            spec: {issuer: github, match: {repo: acme/api}, grant: {type: jwt, audience: vault}}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: orphan}
            spec: {issuer: nowhere, match: {repository: acme/api}, grant: {type: jwt, audience: vault}}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: on-broken}
            spec: {issuer: broken, match: {repository: acme/api, project_path: acme/api}, grant: {type: jwt, audience: vault}}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: first-here}
            spec: {issuer: github, match: {only-in-the-duplicate: x}, grant: {type: jwt, audience: vault}}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: first-there}
            spec: {issuer: github, match: {repository: acme/web, ref: refs/heads/main}, grant: {type: jwt, audience: web}}
            ---
            apiVersion: keyway.dev/v1
            kind: PolicyTest
            metadata: {name: deploys}
            spec:
              cases:
                - {name: main deploys, binding: deploy, claims: {repository: acme/api, ref: refs/heads/main}, expect: allow}
            """;

    /** Mentions the word in a description, so it is read with the issuers although it declares none. */
    private static final String LATE = """
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: first-there}
            spec:
              description: a duplicate in a file that mentions Issuer
              issuer: github
              match: {also-only-in-the-duplicate: x}
              grant: {type: jwt, audience: vault}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: late}
            spec: {issuer: github, match: {repository: acme/late, ref: refs/heads/main}, grant: {type: jwt, audience: late}}
            """;

    @TempDir
    Path dir;

    private Path write(String name, Map<String, String> files, boolean mentionIssuerEverywhere) throws IOException {
        Path policy = Files.createDirectories(dir.resolve(name));
        for (Map.Entry<String, String> file : files.entrySet()) {
            String text = mentionIssuerEverywhere ? file.getValue() + "# Issuer\n" : file.getValue();
            Files.writeString(policy.resolve(file.getKey()), text);
        }
        return policy;
    }

    private static List<String> problems(Compilation compilation, Path policy) {
        return compilation.problems().stream().map(Problem::toString).map(p -> p.replace(policy.toString(), "<policy>")).toList();
    }

    private static Compilation compile(Path policy) {
        return new PolicyCompiler(GrantTypes.discover()).compile(List.of(policy));
    }

    @Test
    void aPolicyWithProblemsReportsTheSameEitherWay() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("00-issuers.yaml", ISSUERS);
        files.put("10-bindings.yaml", BINDINGS);
        // Broken mid-file: the appended comment would move an error found at the end of the stream.
        files.put("15-broken.yaml", "apiVersion: keyway.dev/v1\nkind: Binding\nmetadata: {name: x}}\nspec: {}\n");
        files.put("20-late.yaml", LATE);
        Path fileByFile = write("file-by-file", files, false);
        Path whole = write("whole", files, true);
        for (Path policy : List.of(fileByFile, whole)) {
            Files.write(policy.resolve("17-latin1.yaml"), "kind: Binding # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        assertFalse(YamlDocuments.mayHold(BINDINGS, "Issuer"), "the bindings file takes the file-by-file path");

        Compilation streamed = compile(fileByFile);
        List<String> reported = problems(streamed, fileByFile);
        assertEquals(problems(compile(whole), whole), reported);
        assertTrue(streamed.policy().isEmpty());
        assertTrue(reported.stream().anyMatch(p -> p.contains("claim 'repo' is not a github claim")), reported.toString());
        assertTrue(reported.stream().anyMatch(p -> p.contains("issuer 'nowhere' is not defined")), reported.toString());
        assertTrue(reported.stream().anyMatch(p -> p.contains("claim 'repository' is not a gitlab claim")),
                "a binding on a broken issuer is still checked against its profile: " + reported);
        assertTrue(reported.stream().anyMatch(p -> p.startsWith("<policy>/10-bindings.yaml:")
                && p.contains("duplicate Binding name 'first-here'")), reported.toString());
        assertTrue(reported.stream().anyMatch(p -> p.startsWith("<policy>/20-late.yaml:")
                && p.contains("duplicate Binding name 'first-there'")), reported.toString());
        assertTrue(reported.stream().noneMatch(p -> p.contains("only-in-the-duplicate")),
                "a duplicate is reported, not compiled: " + reported);
        assertTrue(reported.stream().anyMatch(p -> p.startsWith("<policy>/15-broken.yaml:") && p.contains("not valid YAML")),
                reported.toString());
        assertTrue(reported.stream().anyMatch(p -> p.startsWith("<policy>/17-latin1.yaml") && p.contains("not UTF-8")),
                reported.toString());
    }

    @Test
    void aCleanPolicyLoadsTheSameEitherWay() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("00-issuers.yaml", ISSUERS.substring(0, ISSUERS.indexOf("---")));
        files.put("10-bindings.yaml", BINDINGS.substring(0, BINDINGS.indexOf("---"))
                + BINDINGS.substring(BINDINGS.indexOf("---\napiVersion: keyway.dev/v1\nkind: PolicyTest")));
        files.put("20-late.yaml", LATE.substring(LATE.indexOf("---") + 4));
        PolicySet streamed = compile(write("file-by-file", files, false)).policy().orElseThrow();
        PolicySet whole = compile(write("whole", files, true)).policy().orElseThrow();
        assertEquals(List.of("deploy", "late"), streamed.bindings().stream().map(Binding::name).sorted().toList());
        assertEquals(whole.bindings().stream().map(Binding::name).sorted().toList(),
                streamed.bindings().stream().map(Binding::name).sorted().toList());
        IssuerConfig github = streamed.issuers().iterator().next();
        streamed.bindings().forEach(b -> assertSame(github, b.issuer(), "bound to the compiled issuer itself"));
    }

    @Test
    void anIssuerSpelledWithEscapesIsStillReadFirst() throws IOException {
        String escaped = """
                apiVersion: keyway.dev/v1
                kind: "\\x49ssuer"
                metadata: {name: escaped}
                spec: {type: github, issuer: "https://token.actions.githubusercontent.com"}
                """;
        String binding = """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: uses-it}
                spec: {issuer: escaped, match: {repository: acme/api, ref: refs/heads/main}, grant: {type: jwt, audience: vault}}
                """;
        Path policy = write("escaped", Map.of("00-a.yaml", escaped, "10-b.yaml", binding), false);
        Compilation compilation = compile(policy);
        assertEquals(List.of(), compilation.errors(), "the binding finds its issuer");
        assertEquals("escaped", compilation.policy().orElseThrow().bindings().iterator().next().issuer().name());
    }
}
