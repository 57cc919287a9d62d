package dev.sluice.pull.run;

import dev.sluice.limit.Backoff;
import java.util.Objects;

/**
 * Settings of a backfill run that the user may cap; everything else is measured at run time. Immutable; build with
 * {@link #builder()} or take {@link #ofDefaults()}.
 *
 * @param maxConcurrency the most requests in flight at once, whatever Little's law suggests ({@code --max-concurrency})
 * @param headroom       in-flight target = rate × observed latency × headroom
 * @param backoff        retry attempts ({@code --max-attempts}) and waits
 * @param seed           seeds the backoff jitter, so a test run is reproducible
 */
public record BackfillConfig(int maxConcurrency, double headroom, Backoff backoff, long seed) {
    public static final int MAX_CONCURRENCY_LIMIT = 1024;

    public BackfillConfig {
        if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY_LIMIT) {
            throw new IllegalArgumentException("--max-concurrency must be in 1.." + MAX_CONCURRENCY_LIMIT + ", was "
                    + maxConcurrency);
        }
        if (!(headroom >= 1.0 && headroom <= 10.0)) {
            throw new IllegalArgumentException("headroom must be in 1..10, was " + headroom);
        }
        Objects.requireNonNull(backoff, "backoff");
    }

    /** 64 requests in flight at most, headroom 1.25, {@link Backoff#ofDefaults()}. */
    public static BackfillConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxConcurrency = 64;
        private double headroom = 1.25;
        private Backoff backoff = Backoff.ofDefaults();
        private long seed = 1L;

        private Builder() {
        }

        public Builder maxConcurrency(int n) {
            this.maxConcurrency = n;
            return this;
        }

        public Builder headroom(double h) {
            this.headroom = h;
            return this;
        }

        public Builder backoff(Backoff b) {
            this.backoff = b;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public BackfillConfig build() {
            return new BackfillConfig(maxConcurrency, headroom, backoff, seed);
        }
    }
}
