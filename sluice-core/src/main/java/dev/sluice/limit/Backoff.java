package dev.sluice.limit;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before attempt {@code n + 1}, wait a uniform random time in
 * {@code [0, min(max, base * 2^n))}, but never less than a server's {@code Retry-After}. Immutable; build with
 * {@link #builder()} or take {@link #ofDefaults()}.
 *
 * @param maxAttempts attempts in all, the first included ({@code --max-attempts})
 * @param base        the ceiling of the first wait
 * @param max         the ceiling of every wait
 */
public record Backoff(int maxAttempts, Duration base, Duration max) {
    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("--max-attempts must be >= 1, was " + maxAttempts);
        }
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max, was " + base + ", " + max);
        }
    }

    /** 8 attempts, waits from 250 ms doubling up to 20 s. */
    public static Backoff ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The wait before the attempt after {@code failedAttempts} failures (1 or more). */
    public long delayNanos(int failedAttempts, Duration retryAfter, RandomGenerator random) {
        int exp = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long ceiling = Math.min(max.toNanos(), base.toNanos() << exp);
        long jittered = ceiling <= 0 ? 0 : random.nextLong(ceiling);
        long floor = retryAfter == null ? 0 : retryAfter.toNanos();
        return Math.max(jittered, floor);
    }

    public static final class Builder {
        private int maxAttempts = 8;
        private Duration base = Duration.ofMillis(250);
        private Duration max = Duration.ofSeconds(20);

        private Builder() {
        }

        public Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        public Builder base(Duration d) {
            this.base = d;
            return this;
        }

        public Builder max(Duration d) {
            this.max = d;
            return this;
        }

        public Backoff build() {
            return new Backoff(maxAttempts, base, max);
        }
    }
}
