package dev.sluice.cli.bench;

import picocli.CommandLine.Command;

/** {@code sluice bench <what>}: reproducible measurements of the engine against the simulators. */
@Command(name = "bench", description = "Measure the engine against the simulators and report JSON, a table and a plot.",
        mixinStandardHelpOptions = true, subcommands = BenchBackfillCommand.class)
public final class BenchCommand {
}
