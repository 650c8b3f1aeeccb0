package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyway.spi.config.Problem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bindings compile in parallel, each into its own problem list; the lists merge in document
 * order, so a policy's problems read exactly as if they had been found one binding at a time,
 * run after run.
 */
class ProblemOrderTest {

    @Test
    void problemsOnOneLineKeepTheOrderTheyWereWrittenIn() {
        StringBuilder yaml = new StringBuilder(InlinePolicy.GITHUB);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            yaml.append(i == 0 ? "" : "---\n");
            int line = (int) yaml.chars().filter(c -> c == '\n').count() + 1;
            yaml.append("""
                    apiVersion: keyway.dev/v1
                    kind: Binding
                    metadata: {name: b-%d}
                    spec: {issuer: github, grant: {type: jwt, audience: vault}, match: {zeta: x, ref: main, alpha: y}}
                    """.formatted(i));
            expected.add(InlinePolicy.FILE + ":" + (line + 3) + ": Binding 'b-" + i + "': claim 'zeta'");
            expected.add(InlinePolicy.FILE + ":" + (line + 3) + ": Binding 'b-" + i + "': claim 'alpha'");
        }
        for (int run = 0; run < 3; run++) {
            List<String> reported = InlinePolicy.compile(yaml.toString()).problems().stream()
                    .map(Problem::toString).map(p -> p.substring(0, p.indexOf('\'', p.indexOf("claim '") + 7) + 1)).toList();
            assertEquals(expected, reported);
        }
    }
}
