package dev.sluice.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void pacesRequestsOneIntervalApart() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(10), clock);
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(SECOND / 10);
        assertThat(limiter.reserve()).isEqualTo(2 * SECOND / 10);
    }

    @Test
    void neverStartsMoreThanRatePlusBurstInAnyOneSecondWindow() throws InterruptedException {
        FakeClock clock = new FakeClock();
        int rate = 25;
        int burst = 3;
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(rate).withBurst(burst), clock);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            if (i % 37 == 0) {
                clock.advanceMillis(1500); // idle spells refill the burst
            }
            long wait = limiter.reserve();
            starts.add(clock.nanoTime() + wait);
        }
        starts.sort(null);
        int max = 0;
        for (int lo = 0, hi = 0; hi < starts.size(); hi++) {
            while (starts.get(hi) - starts.get(lo) >= SECOND) {
                lo++;
            }
            max = Math.max(max, hi - lo + 1);
        }
        assertThat(max).isLessThanOrEqualTo(rate + burst);
    }

    @Test
    void throttleCutsTheRateOncePerCooldownThenGrowsBackAdditively() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(100), clock);
        limiter.onThrottled();
        assertThat(limiter.rate()).isEqualTo(80.0);
        limiter.onThrottled(); // same overload, inside the cooldown
        assertThat(limiter.rate()).isEqualTo(80.0);
        clock.advanceMillis(500);
        assertThat(limiter.rate()).isEqualTo(81.0); // +2 per second for half a second
        limiter.onThrottled();
        assertThat(limiter.rate()).isCloseTo(64.8, org.assertj.core.data.Offset.offset(1e-9));
        clock.advanceMillis(60_000);
        assertThat(limiter.rate()).isEqualTo(100.0); // never above the cap
        assertThat(limiter.throttles()).isEqualTo(3);
    }

    @Test
    void aCutRateSpacesTheNextReservationsFurther() {
        FakeClock clock = new FakeClock();
        RateLimiter.Config c = new RateLimiter.Config(10, 10, 1, 0.5, 0, 0.1, Duration.ZERO);
        RateLimiter limiter = new RateLimiter(c, clock);
        limiter.reserve();
        limiter.onThrottled();
        long first = limiter.reserve();
        long second = limiter.reserve();
        assertThat(second - first).isEqualTo(SECOND / 5);
    }

    @Test
    void rejectsNonsenseWithTheFlagName() {
        assertThatThrownBy(() -> RateLimiter.Config.ofRate(0)).hasMessageContaining("--rps");
        assertThatThrownBy(() -> RateLimiter.Config.ofRate(Double.NaN)).hasMessageContaining("--rps");
    }
}
