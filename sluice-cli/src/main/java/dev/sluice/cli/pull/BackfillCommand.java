package dev.sluice.cli.pull;

import picocli.CommandLine.Command;

/** {@code sluice backfill <source>}: pull a list API's history into the database. */
@Command(name = "backfill", description = "Backfill from a rate-limited, cursor-paginated list API.",
        mixinStandardHelpOptions = true, subcommands = BackfillStripeCommand.class)
public final class BackfillCommand {
}
