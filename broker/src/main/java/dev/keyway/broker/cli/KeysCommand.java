package dev.keyway.broker.cli;

import dev.keyway.broker.keys.KeySet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keys init DIR} and {@code keys rotate DIR}: the broker never creates keys by itself outside demo mode. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create or rotate the broker's key set.",
        subcommands = {KeysCommand.Init.class, KeysCommand.Rotate.class})
public final class KeysCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a fresh key set in DIR: JWT signing keys, X.509 CA, SSH CA (owner-only permissions).")
    static final class Init implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return report(spec, () -> KeySet.init(dir));
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new current signing key, X.509 CA and SSH CA in DIR and keep the previous ones published.")
    static final class Rotate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return report(spec, () -> KeySet.rotate(dir));
        }
    }

    interface KeyAction {
        List<String> run() throws IOException;
    }

    private static int report(CommandSpec spec, KeyAction action) {
        try {
            action.run().forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("keys: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
