package dev.sluice.cli.sync;

import picocli.CommandLine.Command;

/** {@code sluice sync <source>}: a backfill, then the source's changes, so the tables stay a true copy. */
@Command(name = "sync", description = "Keep a copy true: backfill once, then follow the source's changes.",
        mixinStandardHelpOptions = true, subcommands = SyncStripeCommand.class)
public final class SyncCommand {
}
