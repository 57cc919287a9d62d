package dev.sluice.limit;

import dev.sluice.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The one token bucket every request to a rate-limited API takes a token from, retries included.
 *
 * <p>Mechanism: a reservation scheduler (GCRA). {@link #reserve()} hands out start times {@code 1/rate} apart,
 * letting at most {@code burst} requests start at once after an idle spell, so in any window of one second at most
 * {@code rate + burst - 1} requests start. Callers sleep until their start time through the injected {@link Clock},
 * so tests drive it with a fake clock and never sleep.
 *
 * <p>Policy: AIMD. A 429 ({@link #onThrottled()}) cuts the rate by {@code decrease} — at most once per
 * {@code cutCooldown}, because one overload answers many in-flight requests at once — and the rate then grows back by
 * {@code increasePerSecond} for every second without a 429, never above {@code maxRate}. Started above an unknown
 * server limit, the rate settles just under it.
 */
public final class RateLimiter {

    /** Immutable settings; {@link #ofRate(double)} for the usual case. */
    public record Config(double maxRate, double initialRate, int burst, double decrease, double increasePerSecond,
            double minRate, Duration cutCooldown) {
        public Config {
            check(maxRate > 0 && Double.isFinite(maxRate), "--rps must be a positive number, was " + maxRate);
            check(initialRate > 0 && initialRate <= maxRate, "initial rate must be in (0, " + maxRate + "], was " + initialRate);
            check(burst >= 1, "burst must be >= 1, was " + burst);
            check(decrease > 0 && decrease < 1, "decrease must be in (0, 1), was " + decrease);
            check(increasePerSecond >= 0, "increasePerSecond must be >= 0, was " + increasePerSecond);
            check(minRate > 0 && minRate <= maxRate, "minRate must be in (0, maxRate], was " + minRate);
            Objects.requireNonNull(cutCooldown, "cutCooldown");
        }

        /** {@code rate} requests per second, a burst of one, and AIMD defaults: ×0.8 on a 429, +2% of the cap a second. */
        public static Config ofRate(double rate) {
            return new Config(rate, rate, 1, 0.8, Math.max(0.1, rate * 0.02), Math.min(rate, 0.5),
                    Duration.ofMillis(500));
        }

        public Config withBurst(int b) {
            return new Config(maxRate, initialRate, b, decrease, increasePerSecond, minRate, cutCooldown);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private final Config config;
    private final Clock clock;
    private double rate;
    private long theoreticalArrival;
    private long lastAdjust;
    private long lastCut = Long.MIN_VALUE / 2;
    private long throttles;

    public RateLimiter(Config config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rate = config.initialRate();
        long now = clock.nanoTime();
        this.theoreticalArrival = now;
        this.lastAdjust = now;
    }

    /**
     * Takes a token: returns how many nanoseconds from now the caller may start its request. The reservation is
     * made either way, so a caller that reserves must send (or accept that a token was spent).
     */
    public synchronized long reserve() {
        long now = clock.nanoTime();
        grow(now);
        long interval = intervalNanos();
        long start = Math.max(now, theoreticalArrival - (config.burst() - 1) * interval);
        theoreticalArrival = Math.max(theoreticalArrival, start) + interval;
        return start - now;
    }

    /** Takes a token, sleeping until it is due. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }

    /** The server said 429: cut the rate, unless it was cut within the cooldown (the same overload). */
    public synchronized void onThrottled() {
        long now = clock.nanoTime();
        throttles++;
        grow(now);
        if (now - lastCut >= config.cutCooldown().toNanos()) {
            rate = Math.max(config.minRate(), rate * config.decrease());
            lastCut = now;
        }
    }

    /** The rate in force now, in requests per second. */
    public synchronized double rate() {
        grow(clock.nanoTime());
        return rate;
    }

    public double maxRate() {
        return config.maxRate();
    }

    public synchronized long throttles() {
        return throttles;
    }

    private void grow(long now) {
        if (now > lastAdjust) {
            rate = Math.min(config.maxRate(), rate + config.increasePerSecond() * (now - lastAdjust) / 1e9);
            lastAdjust = now;
        }
    }

    private long intervalNanos() {
        return (long) Math.ceil(1e9 / rate);
    }
}
