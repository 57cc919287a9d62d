package dev.sluice.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(5, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void fullJitterStaysUnderTheDoublingCeilingAndTheCap() {
        SplittableRandom random = new SplittableRandom(7);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long ceiling = Math.min(1_000_000_000L, 100_000_000L << (attempt - 1));
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayNanos(attempt, null, random)).isBetween(0L, ceiling - 1);
            }
        }
    }

    @Test
    void neverWaitsLessThanRetryAfter() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.delayNanos(1, Duration.ofSeconds(2), random)).isGreaterThanOrEqualTo(2_000_000_000L);
        }
    }

    @Test
    void validatesAttempts() {
        assertThatThrownBy(() -> new Backoff(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("--max-attempts");
    }
}
