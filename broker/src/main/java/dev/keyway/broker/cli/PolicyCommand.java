package dev.keyway.broker.cli;

import picocli.CommandLine.Command;

/** {@code policy check} and {@code policy test}. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Lint and test policy documents without starting the broker.",
        subcommands = {PolicyCheckCommand.class, PolicyTestCommand.class})
public final class PolicyCommand {
}
