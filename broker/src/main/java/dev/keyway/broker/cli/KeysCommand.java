package dev.keyway.broker.cli;

import dev.keyway.broker.keys.SigningKeys;
import java.io.IOException;
import java.nio.file.Path;
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
            description = "Create a fresh key set (owner-only permissions) in DIR.")
    static final class Init implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return report(spec, () -> SigningKeys.init(dir), "created");
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new current key in DIR and keep the previous one published.")
    static final class Rotate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return report(spec, () -> SigningKeys.rotate(dir), "rotated");
        }
    }

    interface KeyAction {
        SigningKeys run() throws IOException;
    }

    private static int report(CommandSpec spec, KeyAction action, String verb) {
        try {
            SigningKeys keys = action.run();
            spec.commandLine().getOut().println(verb + " signing keys " + keys.algorithms() + ", published kids " + keys.keyIds());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("keys: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
