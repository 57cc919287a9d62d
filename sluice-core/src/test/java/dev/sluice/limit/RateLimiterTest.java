package dev.sluice.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.FakeClock;
import dev.sluice.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.offset;

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
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.builder().maxRate(rate).burst(burst).build(), clock);
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
    void aThrottleCutsOncePerCooldownThenTheRateClimbsFastToNearTheCeilingAndSlowlyBeyond() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(100), clock);
        limiter.onThrottled(); // drawn at 100: the ceiling is 100
        assertThat(limiter.rate()).isEqualTo(80.0);
        limiter.onThrottled(); // the same overload, inside the cooldown
        assertThat(limiter.rate()).isEqualTo(80.0);
        clock.advanceMillis(400);
        assertThat(limiter.rate()).isCloseTo(90.0, offset(1e-9)); // +25 a second while under 95 % of the ceiling
        clock.advanceMillis(400);
        assertThat(limiter.rate()).isCloseTo(95.0, offset(1e-9)); // no further than 95 % fast
        clock.advanceMillis(1000);
        assertThat(limiter.rate()).isCloseTo(96.0, offset(1e-9)); // then +1 a second
        clock.advanceMillis(60_000);
        assertThat(limiter.rate()).isEqualTo(100.0); // never above the cap
        assertThat(limiter.throttles()).isEqualTo(2);
    }

    @Test
    void startedAboveAnUnknownLimitTheRateFindsItFastAndSettlesJustUnderIt() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(100), clock);
        // The server: a token bucket of 50 a second with a burst of 5, answering each request 200 or 429.
        double serverLimit = 50;
        double serverTokens = 5;
        double credit = 0;
        long sent = 0;
        long throttled = 0;
        long throttledAfterTwoSeconds = 0;
        double sum = 0;
        int samples = 0;
        for (int ms = 10; ms <= 60_000; ms += 10) {
            clock.advanceMillis(10);
            serverTokens = Math.min(5, serverTokens + serverLimit / 100);
            credit += limiter.rate() / 100;
            while (credit >= 1) {
                credit -= 1;
                sent++;
                if (serverTokens >= 1) {
                    serverTokens -= 1;
                    limiter.onSuccess();
                } else {
                    limiter.onThrottled();
                    throttled++;
                    if (ms > 2_000) {
                        throttledAfterTwoSeconds++;
                    }
                }
            }
            if (ms > 10_000) {
                sum += limiter.rate();
                samples++;
            }
        }
        double mean = sum / samples;
        assertThat(mean).isBetween(serverLimit * 0.85, serverLimit * 1.02);
        // The accepted rate shows the limit within the first cuts, so the 429s are a few percent of the requests...
        assertThat(throttled).isLessThan(sent / 20);
        // ...and once found, it is probed past rarely.
        assertThat(throttledAfterTwoSeconds).isLessThan(sent / 50);
    }

    @Test
    void aCutRateSpacesTheNextReservationsFurther() {
        FakeClock clock = new FakeClock();
        RateLimiter.Config c = new RateLimiter.Config(10, 10, 1, 0.5, 0, 0, 0.1, Duration.ZERO);
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

    /**
     * Callers that wake late from their sleep (a loaded machine) leave no closer together than the rate allows: a
     * server's token bucket of the same rate and a burst of one refuses none of them.
     */
    @Test
    void aCallerThatWakesLateDoesNotLeaveInABunchWithTheNext() throws InterruptedException {
        FakeClock fake = new FakeClock();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Clock late = new Clock() { // every third sleep ends up to 400 ms after it was due
            private int sleeps;

            @Override
            public long nanoTime() {
                return fake.nanoTime();
            }

            @Override
            public long epochMillis() {
                return fake.epochMillis();
            }

            @Override
            public void sleepNanos(long nanos) {
                fake.sleepNanos(nanos + (++sleeps % 3 == 0 ? random.nextLong(400_000_000L) : 0));
            }
        };
        double rate = 20;
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(rate), late);
        double tokens = 1;
        long last = fake.nanoTime();
        int refused = 0;
        for (int i = 0; i < 400; i++) {
            limiter.acquire();
            long now = fake.nanoTime();
            tokens = Math.min(1, tokens + (now - last) * rate / SECOND);
            last = now;
            if (tokens >= 1 - 1e-9) {
                tokens -= 1;
            } else {
                refused++;
            }
        }
        assertThat(refused).isZero();
    }
}
