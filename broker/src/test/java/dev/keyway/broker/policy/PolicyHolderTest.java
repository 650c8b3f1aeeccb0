package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload is all-or-nothing: a broken edit leaves the previous policy in force and shows its errors. */
class PolicyHolderTest {

    private static final String POLICY = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: ci}
            spec: {type: oidc, issuer: https://ci.example.com}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: %s}
            spec:
              issuer: ci
              match: {sub: "job:%s"}
              grant: {type: jwt, audience: vault}
            """;

    @TempDir
    Path dir;

    @Test
    void aBrokenEditKeepsThePreviousPolicyAndAFixedOneReplacesIt() throws Exception {
        Path file = dir.resolve("policy.yaml");
        write(file, POLICY.formatted("first", "first"), 1);
        PolicyHolder holder = new PolicyHolder(configuration(dir));
        PolicySet first = holder.current().orElseThrow();
        assertTrue(first.binding("first").isPresent());

        write(file, POLICY.formatted("second", "second").replace("type: jwt", "type: nope"), 2);
        holder.reloadIfChanged();
        assertSame(first, holder.current().orElseThrow(), "the previous policy stays in force");
        assertEquals(1, holder.status().errors().size());
        assertTrue(holder.status().errors().get(0).toString().contains("grant type 'nope' is not implemented"));

        write(file, POLICY.formatted("second", "second"), 3);
        holder.reloadIfChanged();
        assertTrue(holder.current().orElseThrow().binding("second").isPresent());
        assertTrue(holder.current().orElseThrow().binding("first").isEmpty());
        assertTrue(holder.status().errors().isEmpty());
    }

    @Test
    void anUnchangedTreeIsNotRecompiled() throws Exception {
        write(dir.resolve("policy.yaml"), POLICY.formatted("only", "only"), 1);
        PolicyHolder holder = new PolicyHolder(configuration(dir));
        PolicySet loaded = holder.current().orElseThrow();
        holder.reloadIfChanged();
        assertSame(loaded, holder.current().orElseThrow());
    }

    @Test
    void noPathsMeansNoPolicyAndSaysWhichSettingIsMissing() {
        PolicyHolder holder = new PolicyHolder(new PolicyConfiguration());
        assertTrue(holder.current().isEmpty());
        assertTrue(holder.status().errors().get(0).toString().contains("set keyway.policy.paths"));
    }

    private static PolicyConfiguration configuration(Path dir) {
        PolicyConfiguration configuration = new PolicyConfiguration();
        configuration.setPaths(List.of(dir.toString()));
        return configuration;
    }

    /** Distinct modification times, so the change is visible however coarse the file system's clock is. */
    private static void write(Path file, String content, int version) throws Exception {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
    }
}
