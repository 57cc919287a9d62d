package dev.sluice.cli.replay;

import dev.sluice.cli.Terminal;
import dev.sluice.replay.run.Replay;
import dev.sluice.replay.run.ReplayStats;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a running replay: received, applied, skipped, events/s, lag behind live and the governor's state — as a
 * progress bar on a terminal (its end is the lag closed so far), a log line every five seconds otherwise.
 */
final class ReplayProgress implements AutoCloseable {
    private final Replay replay;
    private final PrintStream err;
    private final Thread thread;
    private final long startedNanos = System.nanoTime();
    private volatile boolean closed;

    private ReplayProgress(Replay replay, PrintStream err, boolean terminal) {
        this.replay = replay;
        this.err = err;
        this.thread = Thread.ofPlatform().daemon().name("progress").unstarted(terminal ? this::bar : this::lines);
    }

    static ReplayProgress start(Replay replay, PrintStream err, boolean quiet) {
        ReplayProgress p = new ReplayProgress(replay, err, Terminal.isTerminal());
        if (!quiet) {
            p.thread.start();
        }
        return p;
    }

    private void bar() {
        try (ProgressBar pb = new ProgressBarBuilder().setTaskName("replay").setInitialMax(-1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" ev", 1)
                .setConsumer(new ConsoleProgressBarConsumer(err)).continuousUpdate().build()) {
            while (!closed) {
                ReplayStats.Snapshot s = replay.stats().snapshot();
                pb.stepTo(s.received());
                pb.setExtraMessage(describe(s));
                if (!pause(250)) {
                    break;
                }
            }
        }
    }

    private void lines() {
        while (pause(5000)) {
            err.println("replay: " + describe(replay.stats().snapshot()));
        }
    }

    String describe(ReplayStats.Snapshot s) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        String lag = s.lastAppliedUs() == Long.MIN_VALUE ? "?"
                : formatLag(System.currentTimeMillis() * 1000 - s.lastAppliedUs());
        return String.format(Locale.ROOT, "%,d received, %,d applied, %,d skipped, %,.0f ev/s, lag %s, %.1f MiB in "
                        + "flight | %s", s.received(), s.applied(), s.skipped(), s.received() / seconds, lag,
                s.bytesInFlight() / 1048576.0, replay.governor().state().summary());
    }

    static String formatLag(long micros) {
        long s = Math.max(0, micros / 1_000_000);
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        return String.format(Locale.ROOT, "%.1fh", s / 3600.0);
    }

    private boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
