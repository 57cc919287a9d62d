package dev.sluice.cli.replay;

import picocli.CommandLine.Command;

/** {@code sluice replay <source>}: re-read a firehose from a cursor into tables, at a pace the database can bear. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay an event firehose (Jetstream-compatible) into the database as a background task that "
                + "tunes its own pace.",
                "Re-running the same --job resumes from its checkpoint; without --follow it stops when caught up."},
        subcommands = {ReplayJetstreamCommand.class, ReplayFileCommand.class})
public final class ReplayCommand {
}
