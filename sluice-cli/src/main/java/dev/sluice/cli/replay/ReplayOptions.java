package dev.sluice.cli.replay;

import dev.sluice.cli.Converters;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.cli.options.OutputOptions;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags every {@code sluice replay} source shares. Defaults come from {@code SLUICE_*} variables, and the old
 * firehose-backfill tool's {@code BACKFILL_*} variables are honoured as defaults and caps (see
 * {@link LegacyEnvironment}).
 */
public final class ReplayOptions {
    @Option(names = "--since", converter = Converters.DurationConverter.class, paramLabel = "D",
            description = "Start this far back (24h, 7d), when the job has no checkpoint. Default: $BACKFILL_DAYS days,"
                    + " else 24h. Ignored when resuming.")
    Duration since;

    @Option(names = "--cursor", paramLabel = "µs", description = "Start at this cursor (unix microseconds) instead of "
            + "--since, when the job has no checkpoint.")
    Long cursor;

    @Option(names = "--collections", split = ",", paramLabel = "nsid,…",
            description = "Only these collections (app.bsky.feed.like, or a prefix: app.bsky.graph.*). Default: all.")
    List<String> collections = List.of();

    @Option(names = "--dids", split = ",", paramLabel = "did,…", description = "Only these repositories. Default: all.")
    List<String> dids = List.of();

    @Mixin
    DatabaseOption db;

    @Mixin
    DatabaseRetryOption dbRetry;

    @Option(names = "--mode", paramLabel = "background|balanced|fast",
            description = "background (default): hold the database's foreground canary within 1.2× its idle "
                    + "baseline (an aim, measured per 1 s window); balanced: within 2×; fast: as fast as the database "
                    + "takes it.",
            defaultValue = "${env:SLUICE_REPLAY_MODE:-background}")
    String mode;

    @Option(names = "--cpu-priority", paramLabel = "idle|normal",
            description = "The replay's own CPU. idle (the default of --mode background): on Linux in a session of its"
                    + " own, its autogroup at nice 19, its threads SCHED_IDLE, so it takes only CPU nothing else wants."
                    + " normal: the default of the other modes.",
            defaultValue = "${env:SLUICE_REPLAY_CPU_PRIORITY}")
    String cpuPriority;

    @Option(names = "--throttle", paramLabel = "governor|fixed",
            description = "governor (default), or fixed: the old tool's fixed profile (BACKFILL_BATCH_SIZE 5, "
                    + "BACKFILL_BATCH_DELAY_MS 2000, BACKFILL_MAX_CONCURRENT 2 unless set), as a baseline.",
            defaultValue = "${env:SLUICE_REPLAY_THROTTLE:-governor}")
    String throttle;

    @Option(names = "--max-rate", paramLabel = "N", description = "Hard cap in events/s. Default: none.",
            defaultValue = "${env:SLUICE_REPLAY_MAX_RATE}")
    Double maxRate;

    @Option(names = "--max-bytes-in-flight", converter = Converters.ByteSizeConverter.class, paramLabel = "B",
            description = "Bytes of events received and not yet committed, at most (64MiB). Default: "
                    + "$BACKFILL_MAX_MEMORY_MB MiB, else 64MiB.",
            defaultValue = "${env:SLUICE_REPLAY_MAX_BYTES_IN_FLIGHT}")
    Long maxBytesInFlight;

    @Option(names = "--max-db-connections", paramLabel = "N",
            description = "Cap on concurrent commits (each holds one connection). Default: $BACKFILL_DB_POOL_SIZE, else 8.",
            defaultValue = "${env:SLUICE_REPLAY_MAX_DB_CONNECTIONS}")
    Integer maxDbConnections;

    @Option(names = "--canary-sql", paramLabel = "SQL",
            description = "The foreground probe, timed every 50 ms on its own connection: a cheap query typical of"
                    + " the application's traffic. Default: a one-row write then a read, on a table sluice_canary it"
                    + " creates.",
            defaultValue = "${env:SLUICE_REPLAY_CANARY_SQL}")
    String canarySql;

    @Option(names = "--until", paramLabel = "µs", description = "Stop at this cursor (unix microseconds) instead of the"
            + " time the run starts: events from it on are left for a later run. Not with --follow.")
    Long until;

    @Option(names = "--follow", description = "After catching up, keep tailing live (until Ctrl-C).")
    boolean follow;

    @Option(names = "--job", description = "Name under which the checkpoint is kept. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_JOB:-jetstream}")
    String job;

    @Option(names = "--restart", description = "Forget the job's checkpoint and start from --since/--cursor (rows stay;"
            + " revisions keep them right).")
    boolean restart;

    @Mixin
    OutputOptions output;

    /** Set by sources read from their beginning when no start is given (a recording): no cursor, so no gap. */
    boolean wholeRecording;
}
