package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * A large policy repeats the same conditions and lifetimes in thousands of bindings; the compiled
 * policy keeps one of each (docs/performance.md, "4 December, midday"), while every binding keeps
 * its own name, lines and values that differ.
 */
class SharedValuesTest {

    private static String binding(String name, String repository) {
        return """
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: %s}
                spec:
                  issuer: github
                  match:
                    repository: %s
                    ref: refs/heads/main
                    environment: [production, staging, {glob: "preview-*"}]
                    event_name: {not: [pull_request, pull_request_target]}
                  grant: {type: jwt, audience: vault, max-ttl: 15m}
                """.formatted(name, repository);
    }

    @Test
    void equalConditionsAndLifetimesAreOneObjectEach() {
        PolicySet policy = InlinePolicy.load(InlinePolicy.GITHUB.replace("---\n", "")
                + binding("one", "acme/api") + binding("two", "acme/web"));
        Binding one = policy.binding("one").orElseThrow();
        Binding two = policy.binding("two").orElseThrow();
        for (int i = 1; i < 4; i++) {
            assertEquals(one.conditions().get(i).name(), two.conditions().get(i).name());
            assertSame(one.conditions().get(i).matcher(), two.conditions().get(i).matcher(), one.conditions().get(i).name());
        }
        assertNotSame(one.conditions().get(0).matcher(), two.conditions().get(0).matcher(), "different repositories");
        assertEquals("acme/web", ((Matcher.Exact) two.conditions().get(0).matcher()).value());
        assertSame(one.grant().maxTtl(), two.grant().maxTtl());
        assertNotSame(one.conditions().get(1).location(), two.conditions().get(1).location(), "each keeps its own line");
    }
}
