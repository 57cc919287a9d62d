package dev.sluice.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code sluice bench <what>}: reproducible measurements of the engine against the simulators, and of push ingest
 * against its storage's limit.
 */
@Command(name = "bench", description = "Measure the engine against the simulators, or push ingest against its "
        + "storage; report JSON and a table.",
        mixinStandardHelpOptions = true, subcommands = {BenchBackfillCommand.class, BenchIngestCommand.class, BenchReplayCommand.class, BenchSyncCommand.class})
public final class BenchCommand {
}
