package dev.keyway.broker.cli;

import dev.keyway.broker.policy.Compilation;
import dev.keyway.broker.policy.GrantTypes;
import dev.keyway.broker.policy.PolicyCompiler;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.spi.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Compiles policy as the server would; prints {@code file:line: message} per problem. Exit 1 on any error. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Load and compile policy files or directories; report errors and risky bindings.")
public final class PolicyCheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
    List<Path> paths;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Compilation compilation = new PolicyCompiler(GrantTypes.discover()).compile(paths);
        compilation.problems().forEach(out::println);
        if (compilation.policy().isEmpty()) {
            out.println(summary(compilation.errors(), compilation.warnings()));
            out.flush();
            return 1;
        }
        PolicySet policy = compilation.policy().get();
        out.printf("ok: %d issuers, %d bindings, %d test cases%s%n", policy.issuers().size(), policy.bindings().size(),
                policy.tests().size(), compilation.warnings().isEmpty() ? "" : " (" + plural(compilation.warnings().size(), "warning") + ")");
        out.flush();
        return 0;
    }

    static String summary(List<Problem> errors, List<Problem> warnings) {
        return "policy not loaded: " + plural(errors.size(), "error")
                + (warnings.isEmpty() ? "" : ", " + plural(warnings.size(), "warning"));
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
