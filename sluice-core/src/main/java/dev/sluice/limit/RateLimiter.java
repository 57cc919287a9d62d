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
 * so tests drive it with a fake clock and never sleep. {@link #acquire()} applies the same rule again to the moment a
 * request leaves, so a caller that wakes late does not leave in a bunch with the ones reserved after it.
 *
 * <p>Policy: AIMD with a memory. A 429 ({@link #onThrottled()}) cuts the rate by {@code decrease} — at most once
 * per {@code cutCooldown}, because one overload answers many in-flight requests at once — and remembers the rate that
 * drew it as the ceiling. The rate then grows back fast ({@code fastIncreasePerSecond}) to 95 % of the ceiling and
 * slowly ({@code slowIncreasePerSecond}) beyond it, never above {@code maxRate}; rising past the ceiling without a
 * 429 raises the ceiling. While 429s arrive, the server shows its real limit in the answers it does accept: the
 * ceiling is also capped by the rate of successes ({@link #onSuccess()}) over the last second, but never below the
 * plain multiplicative cut. So a stray 429 at a
 * known limit costs a fraction of a second, and a client started above an unknown limit finds it within a few cuts
 * and settles just under it instead of probing past it every second.
 */
public final class RateLimiter {

    /**
     * Immutable settings; {@link #ofRate(double)} for the usual case, {@link #builder()} for the rest. Rates are in
     * requests per second; the increases are in requests per second gained per second.
     *
     * @param maxRate               {@code --rps}: never exceeded
     * @param initialRate           where the rate starts
     * @param burst                 requests that may start at once after an idle spell
     * @param decrease              the factor a 429 multiplies the rate by
     * @param fastIncreasePerSecond growth below 95 % of the last 429's rate
     * @param slowIncreasePerSecond growth beyond it
     * @param minRate               the floor under every cut
     * @param cutCooldown           at most one cut per this long: one overload answers many requests in flight
     */
    public record Config(double maxRate, double initialRate, int burst, double decrease, double fastIncreasePerSecond,
            double slowIncreasePerSecond, double minRate, Duration cutCooldown) {
        public Config {
            check(maxRate > 0 && Double.isFinite(maxRate), "--rps must be a positive number, was " + maxRate);
            check(initialRate > 0 && initialRate <= maxRate, "initial rate must be in (0, " + maxRate + "], was " + initialRate);
            check(burst >= 1, "burst must be >= 1, was " + burst);
            check(decrease > 0 && decrease < 1, "decrease must be in (0, 1), was " + decrease);
            check(fastIncreasePerSecond >= slowIncreasePerSecond && slowIncreasePerSecond >= 0,
                    "increases must be fast >= slow >= 0, were " + fastIncreasePerSecond + ", " + slowIncreasePerSecond);
            check(minRate > 0 && minRate <= maxRate, "minRate must be in (0, maxRate], was " + minRate);
            Objects.requireNonNull(cutCooldown, "cutCooldown");
        }

        /**
         * {@code rate} requests per second, a burst of one, and defaults: ×0.8 on a 429 (once per 250 ms), back to
         * 95 % of the last 429's rate at +25 % of the cap a second, then +1 % of the cap a second.
         */
        public static Config ofRate(double rate) {
            return builder().maxRate(rate).build();
        }

        /** {@link #ofRate} at Stripe's test-mode limit, 25 requests/s. */
        public static Config ofDefaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /** Settings left unset follow {@code maxRate} at {@link #build()}, as {@link #ofRate} describes. */
        public static final class Builder {
            private double maxRate = 25;
            private Double initialRate;
            private int burst = 1;
            private double decrease = 0.8;
            private Double fastIncreasePerSecond;
            private Double slowIncreasePerSecond;
            private Double minRate;
            private Duration cutCooldown = Duration.ofMillis(250);

            private Builder() {
            }

            public Builder maxRate(double r) {
                this.maxRate = r;
                return this;
            }

            public Builder initialRate(double r) {
                this.initialRate = r;
                return this;
            }

            public Builder burst(int b) {
                this.burst = b;
                return this;
            }

            public Builder decrease(double factor) {
                this.decrease = factor;
                return this;
            }

            public Builder fastIncreasePerSecond(double r) {
                this.fastIncreasePerSecond = r;
                return this;
            }

            public Builder slowIncreasePerSecond(double r) {
                this.slowIncreasePerSecond = r;
                return this;
            }

            public Builder minRate(double r) {
                this.minRate = r;
                return this;
            }

            public Builder cutCooldown(Duration d) {
                this.cutCooldown = d;
                return this;
            }

            public Config build() {
                return new Config(maxRate, initialRate != null ? initialRate : maxRate, burst, decrease,
                        fastIncreasePerSecond != null ? fastIncreasePerSecond : maxRate * 0.25,
                        slowIncreasePerSecond != null ? slowIncreasePerSecond : maxRate * 0.01,
                        minRate != null ? minRate : Math.min(maxRate, 0.5), cutCooldown);
            }
        }
    }

    private final Config config;
    private final Clock clock;
    private double rate;
    private double ceiling;
    private long theoreticalArrival;
    private long departureArrival;
    private long lastAdjust;
    private long lastCut = Long.MIN_VALUE / 2;
    private long throttles;
    private final java.util.ArrayDeque<Long> successes = new java.util.ArrayDeque<>();
    private long firstSuccess = Long.MIN_VALUE;

    public RateLimiter(Config config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rate = config.initialRate();
        this.ceiling = config.maxRate();
        long now = clock.nanoTime();
        this.theoreticalArrival = now;
        this.departureArrival = now;
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

    /**
     * Takes a token, sleeping until it is due, and returns when the request may leave.
     *
     * <p>NOTE: a reservation is a promise of a start time, and a thread may wake long after it (a loaded machine, a
     * pause). Left alone it would leave together with the requests reserved after it, which woke on time: a bunch the
     * server's bucket counts, and a 429 at a rate that was never exceeded on paper. So the moments requests actually
     * leave are paced too, by the same rule ({@link #depart}): one that woke late waits for the next free moment, and
     * no token is lost.
     */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
        for (long more = depart(); more > 0; more = depart()) {
            clock.sleepNanos(more);
        }
    }

    /**
     * The GCRA rule of {@link #reserve} applied to the moment a request leaves: 0 if it may leave now (and the
     * departure is counted), else how long to wait. A request on time always may: reservations are spaced already.
     */
    private synchronized long depart() {
        long now = clock.nanoTime();
        grow(now);
        long interval = intervalNanos();
        long earliest = departureArrival - (config.burst() - 1) * interval;
        if (now < earliest) {
            return earliest - now;
        }
        departureArrival = Math.max(departureArrival, now) + interval;
        return 0;
    }

    /** The server answered a request without a 429: evidence of the rate it accepts. */
    public synchronized void onSuccess() {
        long now = clock.nanoTime();
        if (firstSuccess == Long.MIN_VALUE) {
            firstSuccess = now;
        }
        successes.addLast(now);
        trimSuccesses(now);
    }

    /** The server said 429: cut the rate, unless it was cut within the cooldown (the same overload). */
    public synchronized void onThrottled() {
        long now = clock.nanoTime();
        throttles++;
        grow(now);
        if (now - lastCut >= config.cutCooldown().toNanos()) {
            // The accepted rate narrows the cut, never deepens it: while the client ramps up it accepts little
            // because little was sent, which says nothing about the server's limit.
            ceiling = Math.min(rate, Math.max(rate * config.decrease(), acceptedRate(now)));
            rate = Math.max(config.minRate(), Math.min(rate * config.decrease(), 0.95 * ceiling));
            lastCut = now;
        }
    }

    /**
     * Successes per second over the last second (over the time since the first success, when that is shorter);
     * unknown (no cap) with less than 100 ms of evidence.
     */
    private double acceptedRate(long now) {
        trimSuccesses(now);
        if (firstSuccess == Long.MIN_VALUE) {
            return Double.MAX_VALUE;
        }
        double window = Math.min(1.0, (now - firstSuccess) / 1e9);
        if (window < 0.1) {
            return Double.MAX_VALUE; // too little seen to say anything
        }
        return successes.size() / window;
    }

    private void trimSuccesses(long now) {
        while (!successes.isEmpty() && now - successes.peekFirst() > 1_000_000_000L) {
            successes.removeFirst();
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
            double seconds = (now - lastAdjust) / 1e9;
            double target = 0.95 * ceiling;
            if (rate < target) {
                rate = Math.min(target, rate + config.fastIncreasePerSecond() * seconds);
            } else {
                rate += config.slowIncreasePerSecond() * seconds;
            }
            rate = Math.min(config.maxRate(), rate);
            ceiling = Math.max(ceiling, rate);
            lastAdjust = now;
        }
    }

    private long intervalNanos() {
        return (long) Math.ceil(1e9 / rate);
    }
}
