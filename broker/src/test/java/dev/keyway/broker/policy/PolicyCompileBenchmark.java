package dev.keyway.broker.policy;

import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Not a test (surefire never runs it): how long a large policy takes to compile, and how fast one
 * exchange's lookup + evaluate is once it has. Generates N bindings (default 10,000) mixing exact,
 * list, glob, regex and not conditions with jwt grants, in files of 500 bindings.
 *
 * <pre>
 * java -cp broker/target/classes:broker/target/test-classes:$CP dev.keyway.broker.policy.PolicyCompileBenchmark [N]
 * </pre>
 */
public final class PolicyCompileBenchmark {

    private static final int BINDINGS_PER_FILE = 500;
    private static final int WARMUP_RUNS = 3;
    private static final int MEASURED_RUNS = 5;

    private PolicyCompileBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("keyway-bench");
        try {
            long bytes = generate(dir, n);
            System.out.printf(Locale.ROOT, "generated %,d bindings in %d files (%,d KiB) under %s%n",
                    n, (n + BINDINGS_PER_FILE - 1) / BINDINGS_PER_FILE, bytes / 1024, dir);
            PolicySet policy = compileBenchmark(dir, n);
            evaluateBenchmark(policy, n);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static PolicySet compileBenchmark(Path dir, int n) {
        PolicyCompiler compiler = new PolicyCompiler(GrantTypes.discover());
        Compilation last = null;
        for (int i = 0; i < WARMUP_RUNS; i++) {
            last = compiler.compile(List.of(dir));
        }
        if (last.policy().isEmpty()) {
            last.errors().stream().limit(10).forEach(System.out::println);
            throw new IllegalStateException("generated policy did not compile: " + last.errors().size() + " errors");
        }
        double[] millis = new double[MEASURED_RUNS];
        for (int i = 0; i < MEASURED_RUNS; i++) {
            long start = System.nanoTime();
            last = compiler.compile(List.of(dir));
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "compile (read + parse + compile + lint), %d warmup + %d measured runs:%n",
                WARMUP_RUNS, MEASURED_RUNS);
        System.out.printf(Locale.ROOT, "  min %.0f ms, median %.0f ms, max %.0f ms  ->  %,.0f bindings/s (median), %.1f us/binding%n",
                sorted[0], median, sorted[sorted.length - 1], n / (median / 1000), median * 1000 / n);
        System.out.printf(Locale.ROOT, "  %d bindings loaded, %d warnings, %d errors%n",
                last.policy().orElseThrow().bindings().size(), last.warnings().size(), last.errors().size());
        return last.policy().orElseThrow();
    }

    private static void evaluateBenchmark(PolicySet policy, int n) {
        String[] names = new String[n];
        Identity[] allowed = new Identity[n];
        Identity[] denied = new Identity[n];
        for (int i = 0; i < n; i++) {
            names[i] = name(i);
            allowed[i] = Profile.GITHUB.identify("github", claims(i, "refs/heads/main"));
            denied[i] = Profile.GITHUB.identify("github", claims(i, "refs/pull/1/merge"));
        }
        // Sanity: the generated identities really exercise both outcomes.
        if (!policy.binding(names[0]).orElseThrow().evaluate(allowed[0]).allowed()
                || policy.binding(names[0]).orElseThrow().evaluate(denied[0]).allowed()) {
            throw new IllegalStateException("generated identities do not match their bindings as intended");
        }
        int iterations = Math.max(2_000_000, n * 100);
        run("allow", policy, names, allowed, iterations / 4); // warmup
        run("deny", policy, names, denied, iterations / 4);
        System.out.printf(Locale.ROOT, "lookup + evaluate, %,d iterations each, round-robin over %,d bindings:%n", iterations, n);
        report("allow", run("allow", policy, names, allowed, iterations), iterations);
        report("deny", run("deny", policy, names, denied, iterations), iterations);
        System.out.println("by binding shape (allow):");
        String[] shapes = {"exact x3", "glob + list with glob", "regex x3 + glob", "not-list + list"};
        for (int shape = 0; shape < 4; shape++) {
            int count = (n - shape + 3) / 4;
            String[] shapeNames = new String[count];
            Identity[] shapeIdentities = new Identity[count];
            for (int j = 0; j < count; j++) {
                shapeNames[j] = names[j * 4 + shape];
                shapeIdentities[j] = allowed[j * 4 + shape];
            }
            run(shapes[shape], policy, shapeNames, shapeIdentities, iterations / 4); // warmup
            report(shapes[shape], run(shapes[shape], policy, shapeNames, shapeIdentities, iterations), iterations);
        }
    }

    private static long[] run(String label, PolicySet policy, String[] names, Identity[] identities, int iterations) {
        int hits = 0;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            int k = i % names.length;
            if (policy.binding(names[k]).orElseThrow().evaluate(identities[k]).allowed()) {
                hits++;
            }
        }
        return new long[] {System.nanoTime() - start, hits};
    }

    private static void report(String label, long[] result, int iterations) {
        double nanos = result[0];
        System.out.printf(Locale.ROOT, "  %-22s %,.0f ns/op  ->  %,.0f ops/s  (%,d allowed)%n",
                label, nanos / iterations, iterations / (nanos / 1e9), result[1]);
    }

    private static String name(int i) {
        return "binding-" + i;
    }

    private static Map<String, Object> claims(int i, String ref) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("repository", "acme/service-" + i);
        claims.put("repository_id", String.valueOf(100_000 + i));
        claims.put("repository_owner_id", "42");
        claims.put("ref", ref);
        claims.put("environment", "production");
        claims.put("actor", "octocat-" + i);
        claims.put("event_name", "push");
        claims.put("run_id", String.valueOf(7_000_000 + i));
        claims.put("job_workflow_ref", "acme/workflows/.github/workflows/deploy.yml@refs/tags/v1." + i % 10);
        return claims;
    }

    /** Writes the policy; returns its size in bytes. */
    private static long generate(Path dir, int n) {
        try {
            Files.writeString(dir.resolve("00-issuers.yaml"), """
                    apiVersion: keyway.dev/v1
                    kind: Issuer
                    metadata: {name: github}
                    spec:
                      type: github
                      issuer: https://token.actions.githubusercontent.com
                    """);
            long bytes = 0;
            for (int file = 0; file * BINDINGS_PER_FILE < n; file++) {
                StringBuilder yaml = new StringBuilder();
                for (int i = file * BINDINGS_PER_FILE; i < Math.min(n, (file + 1) * BINDINGS_PER_FILE); i++) {
                    yaml.append(binding(i));
                }
                Path path = dir.resolve(String.format(Locale.ROOT, "bindings-%04d.yaml", file));
                Files.writeString(path, yaml);
                bytes += Files.size(path);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Four shapes of binding, each pinned to its own repository_id; every one allows ref main only. */
    private static String binding(int i) {
        String id = String.valueOf(100_000 + i);
        String match = switch (i % 4) {
            case 0 -> """
                        repository_id: "%s"
                        repository_owner_id: "42"
                        ref: refs/heads/main
                    """.formatted(id);
            case 1 -> """
                        repository_id: "%s"
                        ref: {glob: "refs/heads/m*"}
                        environment: [production, staging, {glob: "preview-*"}]
                    """.formatted(id);
            case 2 -> """
                        repository_id: "%s"
                        repository: {regex: "^acme/service-[0-9]+$"}
                        actor: {regex: "[a-z0-9-]+"}
                        ref: {regex: "refs/heads/(main|master)"}
                        job_workflow_ref: {glob: "acme/workflows/**@refs/tags/v1.*"}
                    """.formatted(id);
            default -> """
                        repository_id: "%s"
                        event_name: {not: [pull_request, pull_request_target]}
                        ref: [refs/heads/main, refs/heads/release]
                    """.formatted(id);
        };
        return """
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: %s}
                spec:
                  issuer: github
                  match:
                %s  grant:
                    type: jwt
                    max-ttl: 15m
                    audience: [vault, "service-%d"]
                    subject: "{{repository}}@{{ref}}"
                    claims:
                      run: "{{run_id}}"
                      groups: [deployers, "team-%d", "env:{{environment}}"]
                """.formatted(name(i), match, i, i % 50);
    }
}
