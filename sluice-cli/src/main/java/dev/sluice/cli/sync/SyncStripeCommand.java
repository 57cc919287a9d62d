package dev.sluice.cli.sync;

import dev.sluice.cli.Converters;
import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.cli.options.StripeOptions;
import dev.sluice.cli.pull.BackfillStripeCommand;
import dev.sluice.cli.pull.ProgressDisplay;
import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.run.Backfill;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.Sync;
import dev.sluice.sync.run.SyncConfig;
import dev.sluice.time.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice sync stripe}: the first run of a job backfills as {@code backfill stripe} does; every run then reads
 * Stripe's events from the job's cursor to {@code now − events lag} and applies them, so updates, deletions and
 * cancellations reach the tables. With {@code --follow} it keeps polling until Ctrl-C.
 */
@Command(name = "stripe", mixinStandardHelpOptions = true,
        description = {"Sync Stripe into the database: a backfill on the job's first run, then Stripe's events "
                + "(updates, deletions, cancellations) from where the last run stopped.",
                "With --follow it keeps polling every --poll-interval until Ctrl-C."})
public final class SyncStripeCommand implements Callable<Integer> {
    @Mixin
    StripeOptions stripe;

    @Mixin
    DatabaseOption db;

    @Mixin
    DatabaseRetryOption dbRetry;

    @Option(names = "--follow", description = "After catching up, keep polling every --poll-interval until Ctrl-C.")
    boolean follow;

    @Option(names = "--poll-interval", converter = Converters.DurationConverter.class, paramLabel = "D",
            description = "The wait between polls with --follow. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_POLL_INTERVAL:-10s}")
    Duration pollInterval;

    @Option(names = "--events-lag", converter = Converters.DurationConverter.class, paramLabel = "D",
            description = "How far behind now events are read: Stripe lists an event some seconds after newer ones. "
                    + "Default: ${DEFAULT-VALUE}.", defaultValue = "${env:SLUICE_EVENTS_LAG:-30s}")
    Duration eventsLag;

    @Option(names = "--on-expired", paramLabel = "rebackfill|fail",
            description = "When the cursor is older than the events are kept: back fill again (then follow), or fail. "
                    + "Default: ${DEFAULT-VALUE}.", defaultValue = "${env:SLUICE_ON_EXPIRED:-rebackfill}")
    String onExpired;

    @Option(names = "--events-retention", converter = Converters.DurationConverter.class, paramLabel = "D",
            description = "How long the API keeps events (Stripe: 30 days); shorter only to try the expiry path "
                    + "against a simulator. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_EVENTS_RETENTION:-30d}")
    Duration eventsRetention;

    @Option(names = "--deletes", paramLabel = "tombstone|remove",
            description = "How deleted objects are kept: tombstone (the row stays, deleted = true, with its last "
                    + "data) or remove (the row goes). Default: what the namespace uses, else tombstone.",
            defaultValue = "${env:SLUICE_DELETES}")
    String deletes;

    @Override
    public Integer call() throws Exception {
        StripeBackfill.Options options = stripe.options().db(db.url()).dbRetryFor(dbRetry.retryFor()).build();
        SyncConfig config = SyncConfig.builder().eventsLag(eventsLag).pollInterval(pollInterval)
                .retention(eventsRetention).onExpired(SyncConfig.OnExpired.parse(onExpired)).build();
        DeletionMode mode = deletes == null || deletes.isBlank() ? null : DeletionMode.parse(deletes);
        return execute(options, config, mode, follow, stripe.output().json(), !stripe.output().showProgress(),
                System.out, System.err);
    }

    /**
     * Runs a sync with progress, Ctrl-C handling and a summary; returns the exit code. The JVM's exit after a
     * SIGTERM waits for the summary too (the stop holds it until this returns), so a stopped follow still prints it.
     */
    public static int execute(StripeBackfill.Options options, SyncConfig config, DeletionMode deletes, boolean follow,
            boolean json, boolean quiet, PrintStream out, PrintStream err) throws InterruptedException {
        try (GracefulStop stop = GracefulStop.install()) {
            StripeSync.Outcome outcome;
            try {
                outcome = run(options, config, deletes, follow, quiet || json, err, stop);
            } catch (Sync.CursorExpired e) {
                err.println("sluice: " + e.getMessage());
                return 1;
            } catch (FetchFailure e) {
                err.println("sluice: " + e.getMessage());
                err.println("What was committed stays; run the same command again to go on from the cursor.");
                return 1;
            }
            if (json) {
                out.println(SyncSummary.json(outcome).toString());
            } else {
                SyncSummary.text(outcome, out);
            }
            out.flush();
            if (outcome.sync().complete() || outcome.sync().stopped()) {
                return 0;
            }
            // A backfill that did not complete is named as backfill stripe names it: a refused key, an unreachable
            // API.
            for (BackfillResult b : outcome.backfills()) {
                if (!b.complete() && !b.stopped()) {
                    throw BackfillStripeCommand.failure(options, b.streams());
                }
            }
            return 1;
        }
    }

    /** Runs a sync with progress on {@code err} (unless {@code quiet}) and Ctrl-C handling; returns how it ended. */
    public static StripeSync.Outcome run(StripeBackfill.Options options, SyncConfig config, DeletionMode deletes,
            boolean follow, boolean quiet, PrintStream err)
            throws Sync.CursorExpired, FetchFailure, InterruptedException {
        try (GracefulStop stop = GracefulStop.install()) {
            return run(options, config, deletes, follow, quiet, err, stop);
        }
    }

    /** Runs a sync whose Ctrl-C handling is {@code stop}'s: a stop ends it after the commit under way. */
    private static StripeSync.Outcome run(StripeBackfill.Options options, SyncConfig config, DeletionMode deletes,
            boolean follow, boolean quiet, PrintStream err, GracefulStop stop)
            throws Sync.CursorExpired, FetchFailure, InterruptedException {
        AtomicReference<ProgressDisplay> display = new AtomicReference<>();
        try (SyncProgress progress = new SyncProgress(err, quiet)) {
            AtomicReference<Sync> sync = new AtomicReference<>();
            AtomicReference<Backfill> backfill = new AtomicReference<>();
            stop.stopWith(() -> { // the commit under way finishes before the JVM exits
                if (sync.get() != null) {
                    sync.get().stop();
                }
                if (backfill.get() != null) {
                    backfill.get().stop();
                }
            });
            return StripeSync.run(options, config, deletes, follow, Clock.system(), new StripeSync.Hooks() {
                @Override
                public void syncStarted(Sync s) {
                    sync.set(s);
                    progress.follow(s);
                }

                @Override
                public void backfillStarted(Backfill b) {
                    backfill.set(b);
                    if (sync.get().stopRequested()) {
                        b.stop();
                    }
                    progress.backfill(b);
                    display.set(ProgressDisplay.start(b, err, quiet));
                }

                @Override
                public void backfillEnded(BackfillResult r) {
                    backfill.set(null);
                    progress.backfillEnded();
                    display.getAndSet(null).close();
                }

                @Override
                public void notice(String message) {
                    err.println("sync: " + message);
                }
            });
        } finally {
            ProgressDisplay d = display.get();
            if (d != null) {
                d.close();
            }
        }
    }
}
