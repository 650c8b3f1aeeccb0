package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every directory under {@code ${keyway.root}/examples} is a policy people will copy: it must compile
 * without errors and its own PolicyTest cases must all pass. New example directories are picked up
 * automatically.
 */
class ExamplesTest {

    static Path examples() {
        String root = System.getProperty("keyway.root");
        assertNotNull(root, "surefire must set keyway.root");
        Path examples = Path.of(root, "examples");
        assertTrue(Files.isDirectory(examples), "no examples directory at " + examples);
        return examples;
    }

    static Stream<String> exampleDirectories() throws IOException {
        try (Stream<Path> list = Files.list(examples())) {
            List<String> dirs = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> p.getFileName().toString()).sorted().toList();
            return dirs.stream();
        }
    }

    @Test
    void theDemoIsAmongTheExamples() throws IOException {
        assertTrue(exampleDirectories().anyMatch("demo"::equals));
    }

    @ParameterizedTest(name = "examples/{0} compiles and passes its own tests")
    @MethodSource("exampleDirectories")
    void compilesAndPassesItsTests(String name) {
        Compilation compilation = new PolicyCompiler(GrantTypes.discover()).compile(List.of(examples().resolve(name)));
        assertEquals(List.of(), compilation.errors().stream().map(Problem::toString).toList());
        PolicySet policy = compilation.policy().orElseThrow();
        assertFalse(policy.bindings().isEmpty(), "an example without bindings shows nothing");
        List<String> failures = PolicyTestRunner.run(policy).stream().filter(r -> !r.passed())
                .map(r -> r.testCase().location() + ": " + r.testCase().suite() + " / " + r.testCase().name()
                        + " expected " + (r.testCase().expectAllow() ? "allow" : "deny") + ": " + r.decided())
                .toList();
        assertEquals(List.of(), failures);
    }

    @Test
    void theDemoHasTestsForEveryBinding() {
        PolicySet demo = new PolicyCompiler(GrantTypes.discover()).compile(List.of(examples().resolve("demo"))).policy()
                .orElseThrow();
        for (Binding binding : demo.bindings()) {
            assertTrue(demo.tests().stream().anyMatch(t -> t.binding().equals(binding.name()) && t.expectAllow()),
                    binding.name() + " has an allow case");
            assertTrue(demo.tests().stream().anyMatch(t -> t.binding().equals(binding.name()) && !t.expectAllow()),
                    binding.name() + " has a deny case");
        }
    }
}
