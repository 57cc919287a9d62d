package dev.sluice.pull.run;

import dev.sluice.limit.Backoff;
import java.util.Objects;

/**
 * Settings of a backfill run that the user may cap; everything else is measured at run time.
 *
 * @param maxConcurrency the most requests in flight at once, whatever Little's law suggests
 * @param headroom       in-flight target = rate × observed latency × headroom
 * @param backoff        retry attempts and waits
 * @param seed           seeds the backoff jitter, so a test run is reproducible
 */
public record BackfillConfig(int maxConcurrency, double headroom, Backoff backoff, long seed) {
    public BackfillConfig {
        if (maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new IllegalArgumentException("--max-concurrency must be in 1..1024, was " + maxConcurrency);
        }
        if (!(headroom >= 1.0 && headroom <= 10.0)) {
            throw new IllegalArgumentException("headroom must be in 1..10, was " + headroom);
        }
        Objects.requireNonNull(backoff, "backoff");
    }

    public static BackfillConfig defaults() {
        return new BackfillConfig(64, 1.25, Backoff.defaults(), 1L);
    }

    public BackfillConfig withMaxConcurrency(int n) {
        return new BackfillConfig(n, headroom, backoff, seed);
    }

    public BackfillConfig withBackoff(Backoff b) {
        return new BackfillConfig(maxConcurrency, headroom, b, seed);
    }
}
