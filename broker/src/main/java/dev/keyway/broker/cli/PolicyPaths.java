package dev.keyway.broker.cli;

import dev.keyway.broker.policy.Compilation;
import dev.keyway.broker.policy.GrantTypes;
import dev.keyway.broker.policy.PolicyCompiler;
import dev.keyway.spi.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The {@code PATH…} both policy subcommands take, and compiling them the way the server does. */
final class PolicyPaths {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
    List<Path> paths;

    /** Compiles; on errors prints them with the summary line, so callers only handle success. */
    Compilation compile(PrintWriter out) {
        Compilation compilation = new PolicyCompiler(GrantTypes.discover()).compile(paths);
        if (compilation.policy().isEmpty()) {
            compilation.errors().forEach(out::println);
            out.println(summary(compilation.errors(), compilation.warnings()));
            out.flush();
        }
        return compilation;
    }

    static String summary(List<Problem> errors, List<Problem> warnings) {
        return "policy not loaded: " + plural(errors.size(), "error")
                + (warnings.isEmpty() ? "" : ", " + plural(warnings.size(), "warning"));
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
