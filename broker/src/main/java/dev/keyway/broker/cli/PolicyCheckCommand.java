package dev.keyway.broker.cli;

import dev.keyway.broker.policy.Compilation;
import dev.keyway.broker.policy.PolicySet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Compiles policy as the server would; prints {@code file:line: message} per problem. Exit 1 on any error. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Load and compile policy files or directories; report errors and risky bindings.")
public final class PolicyCheckCommand implements Callable<Integer> {

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
        compilation.warnings().forEach(out::println);
        PolicySet policy = compilation.policy().get();
        out.printf("ok: %d issuers, %d bindings, %d test cases%s%n", policy.issuers().size(), policy.bindings().size(),
                policy.tests().size(), compilation.warnings().isEmpty() ? ""
                        : " (" + PolicyPaths.plural(compilation.warnings().size(), "warning") + ")");
        out.flush();
        return 0;
    }
}
