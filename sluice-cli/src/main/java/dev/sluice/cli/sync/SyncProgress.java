package dev.sluice.cli.sync;

import dev.sluice.pull.run.Backfill;
import dev.sluice.sync.run.Sync;
import dev.sluice.sync.run.SyncStats;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * Shows a running sync's events on stderr: a line every 5 s with the changes applied and the cursor, except while a
 * backfill runs (which shows its own progress). Nothing when quiet.
 */
final class SyncProgress implements AutoCloseable {
    private static final long PERIOD_MILLIS = 5_000;

    private final PrintStream err;
    private final Thread thread;
    private volatile Sync sync;
    private volatile Backfill backfill;
    private volatile boolean closed;

    SyncProgress(PrintStream err, boolean quiet) {
        this.err = err;
        this.thread = Thread.ofPlatform().daemon().name("sync-progress").unstarted(this::lines);
        if (!quiet) {
            thread.start();
        }
    }

    void follow(Sync s) {
        this.sync = s;
    }

    void backfill(Backfill b) {
        this.backfill = b;
    }

    void backfillEnded() {
        this.backfill = null;
    }

    private void lines() {
        while (pause()) {
            Backfill b = backfill;
            Sync s = sync;
            if (b == null && s != null) {
                SyncStats.Snapshot x = s.stats().snapshot();
                err.printf(Locale.ROOT, "sync: %,d events read, %,d changes applied, %,d skipped, %,d re-read%s%n",
                        x.eventsRead(), x.applied(), x.skipped(), x.rereads(), x.cursor() < 0 ? ""
                                : String.format(Locale.ROOT, "; cursor %s", Instant.ofEpochSecond(x.cursor())));
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
            return false;
        }
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
