package dev.keyway.broker.cli;

import dev.keyway.broker.policy.Compilation;
import dev.keyway.broker.policy.PolicyTestRunner;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Runs every {@code PolicyTest} case; one line per failure, then {@code N passed, N failed}. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run the PolicyTest documents found in the given files or directories.")
public final class PolicyTestCommand implements Callable<Integer> {

    @Mixin
    PolicyPaths paths;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Compilation compilation = paths.compile(out);
        if (compilation.policy().isEmpty()) {
            return 1;
        }
        List<PolicyTestRunner.Result> results = PolicyTestRunner.run(compilation.policy().get());
        int failed = 0;
        for (PolicyTestRunner.Result result : results) {
            if (!result.passed()) {
                failed++;
                var c = result.testCase();
                out.printf("%s: FAIL %s / %s: expected %s, got %s (binding %s: %s)%n", c.location(), c.suite(), c.name(),
                        verdict(c.expectAllow()), verdict(result.allowed()), c.binding(), result.decided());
            }
        }
        if (results.isEmpty()) {
            out.println("no PolicyTest cases found in " + paths.paths);
        }
        out.printf("%d passed, %d failed%n", results.size() - failed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String verdict(boolean allow) {
        return allow ? "allow" : "deny";
    }
}
