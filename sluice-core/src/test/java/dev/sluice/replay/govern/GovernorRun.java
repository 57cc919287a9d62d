package dev.sluice.replay.govern;

import dev.sluice.testing.FakeClock;
import java.util.Collections;

/**
 * Drives a governor on a fake clock, one probe interval per {@link #tick}: the pipeline commits what the rate
 * allowed over the interval (times {@link #applying}), then the probe reports the foreground.
 */
final class GovernorRun {
    static final long MS = 1_000_000L;
    static final long WINDOW_MS = 1000;
    static final long PROBE_MS = 100;

    final FakeClock clock = new FakeClock();
    final Governor g;
    double applying = 1.0;

    GovernorRun(GovernorConfig config) {
        g = new Governor(config, clock);
    }

    GovernorRun calibratedAt(double ms) {
        g.calibrate(Collections.nCopies(20, ForegroundSample.ofMillis(ms, 0)));
        return this;
    }

    void tick(double foregroundMs) {
        tick(foregroundMs, 0);
    }

    void tick(double foregroundMs, int waiters) {
        clock.advanceMillis(PROBE_MS);
        double r = g.rate();
        if (r > 0 && Double.isFinite(r)) {
            g.onCommit((int) Math.round(r * PROBE_MS / 1000.0 * applying), 5 * MS, false);
        }
        g.onProbing();
        g.onForeground(ForegroundSample.ofMillis(foregroundMs, waiters));
    }

    void ticks(int n, double foregroundMs) {
        for (int i = 0; i < n; i++) {
            tick(foregroundMs);
        }
    }

    long nowMs() {
        return clock.nanoTime() / MS;
    }
}
