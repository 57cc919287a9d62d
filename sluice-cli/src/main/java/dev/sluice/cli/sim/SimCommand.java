package dev.sluice.cli.sim;

import picocli.CommandLine.Command;

/** {@code sluice sim <peer>}: run a simulator of a real peer, for trying Sluice and for benchmarks. */
@Command(name = "sim", description = "Run a simulator that behaves like a real peer API.",
        mixinStandardHelpOptions = true, subcommands = {SimStripeCommand.class, SimJetstreamCommand.class})
public final class SimCommand {
}
