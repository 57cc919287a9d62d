package dev.sluice.cli.pull;

import dev.sluice.pull.run.Backfill;
import dev.sluice.pull.run.BackfillStats;
import dev.sluice.cli.Terminal;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a running backfill: a progress bar on a terminal, a log line every few seconds otherwise. The bar's end is
 * the objects committed plus the planner's estimate of what is left, so it firms up as the run learns the data.
 */
public final class ProgressDisplay implements AutoCloseable {
    private final Backfill backfill;
    private final PrintStream err;
    private final Thread thread;
    private volatile boolean closed;

    private ProgressDisplay(Backfill backfill, PrintStream err, boolean terminal) {
        this.backfill = backfill;
        this.err = err;
        this.thread = Thread.ofPlatform().daemon().name("progress").unstarted(terminal ? this::bar : this::lines);
    }

    /** Starts showing progress of {@code backfill}; {@code quiet} shows nothing. */
    public static ProgressDisplay start(Backfill backfill, PrintStream err, boolean quiet) {
        ProgressDisplay d = new ProgressDisplay(backfill, err, Terminal.isTerminal());
        if (!quiet) {
            d.thread.start();
        }
        return d;
    }

    private void bar() {
        try (ProgressBar pb = new ProgressBarBuilder().setTaskName("backfill").setInitialMax(-1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" obj", 1)
                .setConsumer(new ConsoleProgressBarConsumer(err)).continuousUpdate().build()) {
            while (!closed) {
                BackfillStats.Snapshot s = backfill.stats().snapshot();
                long estimate = s.objects() + s.estimatedRemaining();
                pb.maxHint(s.segmentsLive() == 0 ? s.objects() : Math.max(estimate, s.objects()));
                pb.stepTo(s.objects());
                pb.setExtraMessage(describe(s));
                if (!pause(250)) {
                    break;
                }
            }
            BackfillStats.Snapshot s = backfill.stats().snapshot();
            pb.maxHint(s.objects());
            pb.stepTo(s.objects());
        }
    }

    private void lines() {
        while (pause(5000)) {
            err.println("backfill: " + String.format(Locale.ROOT, "%,d objects, ", backfill.stats().snapshot().objects())
                    + describe(backfill.stats().snapshot()));
        }
    }

    private long lastRequests;
    private long lastNanos = System.nanoTime();

    private String describe(BackfillStats.Snapshot s) {
        long now = System.nanoTime();
        double rps = (s.requests() - lastRequests) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastRequests = s.requests();
        lastNanos = now;
        return String.format(Locale.ROOT, "%,d pages, %.1f req/s of %.1f, %d segments, %d in flight, %d × 429",
                s.pages(), rps, s.rate(), s.segmentsLive(), s.inFlight(), s.throttled());
    }

    /** Waits {@code ms} unless closed first; false once closed. */
    private boolean pause(long ms) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            try {
                wait(ms);
            } catch (InterruptedException e) {
                return false;
            }
            return !closed;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
