package dev.keyway.broker;

import dev.keyway.broker.cli.DevTokenCommand;
import dev.keyway.broker.cli.KeysCommand;
import dev.keyway.broker.cli.PolicyCommand;
import dev.keyway.broker.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jar's entry point: {@code serve} (the default), {@code policy check|test}, {@code dev-token}. */
@Command(name = "keyway",
        mixinStandardHelpOptions = true,
        versionProvider = Keyway.Version.class,
        description = "Machine-identity token broker: OIDC tokens in, scoped short-lived credentials out.",
        subcommands = {ServeCommand.class, PolicyCommand.class, KeysCommand.class, DevTokenCommand.class,
                CommandLine.HelpCommand.class})
public final class Keyway {

    public static void main(String[] args) {
        String[] effective = args.length == 0 ? new String[] {"serve"} : args;
        CommandLine cli = new CommandLine(new Keyway());
        int exit = cli.execute(effective);
        // serve returns once the server is up; its non-daemon threads keep the JVM running.
        if (exit != ServeCommand.SERVING) {
            System.exit(exit);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Keyway.class.getPackage().getImplementationVersion();
            return new String[] {"keyway " + (version == null ? "dev" : version)};
        }
    }
}
