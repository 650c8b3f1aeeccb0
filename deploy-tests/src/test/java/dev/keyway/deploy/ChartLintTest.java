package dev.keyway.deploy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code helm lint --strict}: fails on any warning, not only on errors. */
class ChartLintTest {

    static Stream<Path> valueSets() {
        return Chart.ciFiles().stream();
    }

    @Test
    void theChartShipsTheThreeDocumentedValueSets() {
        assertEquals(List.of("demo-values.yaml", "minimal-values.yaml", "production-values.yaml"),
                Chart.ciFiles().stream().map(p -> p.getFileName().toString()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void lintsStrictlyCleanWithEachValueSet(Path file) {
        LintResult result = Chart.lint(Chart.Yamls.loadMap(file));
        assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
        assertTrue(result.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                () -> "lint reported: " + result.getMessages());
    }

    @Test
    void lintsStrictlyCleanWithEveryOptionalObjectAndTheDemoKeys() {
        Map<String, Object> values = Chart.with(Chart.minimal(),
                "keys.existingSecret", "",
                "keys.ephemeral", true,
                "ingress.enabled", true,
                "networkPolicy.enabled", true,
                "serviceMonitor.enabled", true,
                "cloudIdentity.azure.clientId", "00000000-0000-0000-0000-000000000001");
        LintResult result = Chart.lint(values);
        assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
    }

    /** As shipped the chart has no publicUrl and no key Secret: lint (and install) must say so. */
    @Test
    void theBareChartFailsNamingTheTwoRequiredValues() {
        LintResult result = Chart.lintAsShipped();
        assertTrue(result.isFailed());
        String messages = String.join("\n", result.getMessages());
        assertTrue(messages.contains("/publicUrl"), messages);
        assertTrue(messages.contains("/keys/existingSecret"), messages);
    }

    @Test
    void theRequiredValuesAreEnoughForACleanLint() {
        Map<String, Object> values = Chart.with(Map.of(),
                "publicUrl", "https://keyway.example.com",
                "keys.existingSecret", "keyway-keys",
                "policy.existingConfigMap", "keyway-policy");
        LintResult result = Chart.lint(values);
        assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
    }
}
