package dev.sluice.limit;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before attempt {@code n + 1}, wait a uniform random time in
 * {@code [0, min(max, base * 2^n))}, but never less than a server's {@code Retry-After}.
 *
 * @param maxAttempts attempts in all, the first included
 */
public record Backoff(int maxAttempts, Duration base, Duration max) {
    public Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("--max-attempts must be >= 1, was " + maxAttempts);
        }
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max, was " + base + ", " + max);
        }
    }

    public static Backoff defaults() {
        return new Backoff(8, Duration.ofMillis(250), Duration.ofSeconds(20));
    }

    /** The wait before the attempt after {@code failedAttempts} failures (1 or more). */
    public long delayNanos(int failedAttempts, Duration retryAfter, RandomGenerator random) {
        int exp = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long ceiling = Math.min(max.toNanos(), base.toNanos() << exp);
        long jittered = ceiling <= 0 ? 0 : random.nextLong(ceiling);
        long floor = retryAfter == null ? 0 : retryAfter.toNanos();
        return Math.max(jittered, floor);
    }
}
