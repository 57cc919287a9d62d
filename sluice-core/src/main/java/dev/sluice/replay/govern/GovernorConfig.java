package dev.sluice.replay.govern;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the {@link Governor} may be told; everything else it measures. Immutable; build with
 * {@link #builder()} or take {@link #ofMode(Mode)} / {@link #ofDefaults()}. A check on a value that a flag or an
 * environment variable sets names that flag or variable, so a bad one gets a message that says which and what range;
 * the other values are settings of the code, named as the builder names them. The CLI reads the old tool's
 * {@code BACKFILL_*} variables and passes them in through the setters; nothing here reads the environment.
 *
 * <p>Per-mode defaults (each can be overridden; the override then holds whatever the mode):
 * <table>
 *   <caption>defaults by mode</caption>
 *   <tr><th>mode</th><th>target commit</th><th>budget ratio</th><th>slack</th><th>waiter allowance</th></tr>
 *   <tr><td>background</td><td>50 ms</td><td>1.2</td><td>0.25 ms</td><td>0</td></tr>
 *   <tr><td>balanced</td><td>100 ms</td><td>2.0</td><td>0.5 ms</td><td>1</td></tr>
 *   <tr><td>fast</td><td>200 ms</td><td>(shown, not acted on)</td><td></td><td></td></tr>
 * </table>
 * Why these: a shorter transaction holds its row locks and its share of the WAL for less time, so the mode that
 * protects the foreground most commits most often (pt-online-schema-change aims at 0.5 s chunks for a migration
 * that is allowed to be felt; 50 ms is a tenth of that). The foreground budget is
 * {@code max(baseline × ratio, baseline + slack)}: the ratio is the user-facing promise ("within 20 % of idle"); the
 * absolute slack is a floor under it for sub-millisecond canaries — a {@code SELECT 1} on a local server takes
 * 0.1-0.3 ms, where scheduler jitter alone is more than 20 %, so without the floor an idle database would breach its
 * own budget. 0.25 ms is below what a foreground transaction that touches a disk can notice, and it is not added to
 * the budget of a slower canary (a 2 ms canary gets 2.4 ms in background, not 2.65). The rate law settles between
 * half and three quarters of the way from baseline to budget and peaks at the budget, so a foreground as sensitive
 * as the canary sees its p99 rise by about the budget ratio at worst.
 *
 * @param mode               {@code --mode} / {@code --throttle fixed}
 * @param maxRate            {@code --max-rate}: a hard cap on events applied per second, {@code +Infinity} = none
 * @param maxConcurrency     {@code --max-db-connections}: the most batches committing at once (and the number of
 *                           lanes); capped by {@code BACKFILL_MAX_CONCURRENT} and {@code BACKFILL_DB_POOL_SIZE}
 * @param minBatch           the smallest batch the inner loop will shrink to
 * @param maxBatch           the largest batch; the CLI caps it by {@code BACKFILL_BATCH_SIZE}
 * @param initialBatch       the batch size before any commit has been measured
 * @param targetCommit       the commit time the batch size aims at
 * @param budgetRatio        how many times its idle baseline the foreground may take
 * @param budgetSlack        the least absolute latency the budget allows over the baseline (see above)
 * @param waiterAllowance    lock waiters tolerated above the idle baseline
 * @param probeInterval      time between two foreground samples
 * @param window             how much foreground history one judgement looks at (and so how often it judges)
 * @param calibrationSamples idle samples taken before any write to learn the baseline (200 at 50 ms: 10 s, five
 *                           lookbacks' worth, so the baseline also shows how far the idle foreground swings)
 * @param initialRate        events/s allowed once calibrated, before the rate has been grown
 * @param minRate            the floor: the rate never falls below it (unless {@code maxRate} is lower), so a replay
 *                           always progresses
 * @param fixedBatch         {@code FIXED}: events per batch ({@code BACKFILL_BATCH_SIZE})
 * @param fixedDelay         {@code FIXED}: time between batch starts ({@code BACKFILL_BATCH_DELAY_MS})
 * @param fixedConcurrency   {@code FIXED}: batches at once ({@code BACKFILL_MAX_CONCURRENT})
 */
public record GovernorConfig(Mode mode, double maxRate, int maxConcurrency, int minBatch, int maxBatch,
                             int initialBatch, Duration targetCommit, double budgetRatio, Duration budgetSlack,
                             int waiterAllowance, Duration probeInterval, Duration window, int calibrationSamples,
                             double initialRate, double minRate, int fixedBatch, Duration fixedDelay,
                             int fixedConcurrency) {

    public static final int DEFAULT_MAX_CONCURRENCY = 8;
    public static final int DEFAULT_MAX_BATCH = 2000;
    public static final int MAX_CONCURRENCY_LIMIT = 1024;
    public static final int MAX_BATCH_LIMIT = 1_000_000;

    public GovernorConfig {
        Objects.requireNonNull(mode, "mode");
        check(maxRate > 0, "--max-rate must be a positive number of events/s, was " + maxRate);
        check(maxConcurrency >= 1 && maxConcurrency <= MAX_CONCURRENCY_LIMIT,
                "--max-db-connections must be in 1.." + MAX_CONCURRENCY_LIMIT + ", was " + maxConcurrency);
        check(minBatch >= 1, "minBatch must be >= 1, was " + minBatch);
        check(maxBatch >= minBatch && maxBatch <= MAX_BATCH_LIMIT, "the largest batch (maxBatch, capped by"
                + " BACKFILL_BATCH_SIZE) must be in minBatch.." + MAX_BATCH_LIMIT + " = " + minBatch + ".."
                + MAX_BATCH_LIMIT + ", was " + maxBatch);
        check(initialBatch >= minBatch && initialBatch <= maxBatch,
                "initialBatch must be in minBatch..maxBatch = " + minBatch + ".." + maxBatch + ", was "
                        + initialBatch);
        check(positive(targetCommit), "targetCommit must be positive, was " + targetCommit);
        check(budgetRatio >= 1.0 && budgetRatio <= 100.0,
                "budgetRatio must be a multiple of the idle baseline in 1.0..100, was " + budgetRatio);
        check(budgetSlack != null && !budgetSlack.isNegative(), "budgetSlack must be >= 0, was " + budgetSlack);
        check(waiterAllowance >= 0, "waiterAllowance must be >= 0, was " + waiterAllowance);
        check(positive(window), "window must be positive, was " + window);
        check(positive(probeInterval) && probeInterval.multipliedBy(3).compareTo(window) <= 0,
                "probeInterval must be in (0, window/3 = " + (window.toMillis() / 3) + " ms] so that a judgement"
                        + " sees at least 3 samples, was " + probeInterval);
        check(calibrationSamples >= 3 && calibrationSamples <= 10_000,
                "calibration samples must be in 3..10000, was " + calibrationSamples);
        check(minRate > 0 && Double.isFinite(minRate), "minimum rate must be a positive number, was " + minRate);
        check(initialRate >= minRate && Double.isFinite(initialRate),
                "initial rate must be finite and >= the minimum rate " + minRate + ", was " + initialRate);
        check(fixedBatch >= 1, "the fixed profile's batch size (BACKFILL_BATCH_SIZE) must be >= 1, was " + fixedBatch);
        check(fixedDelay != null && !fixedDelay.isNegative(),
                "the fixed profile's batch delay (BACKFILL_BATCH_DELAY_MS) must be >= 0, was " + fixedDelay);
        check(fixedConcurrency >= 1, "the fixed profile's concurrency (BACKFILL_MAX_CONCURRENT) must be >= 1, was "
                + fixedConcurrency);
    }

    /** The defaults for {@code mode}. */
    public static GovernorConfig ofMode(Mode mode) {
        return builder().mode(mode).build();
    }

    /** {@code background} with every default. */
    public static GovernorConfig ofDefaults() {
        return ofMode(Mode.BACKGROUND);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The foreground budget for an idle baseline of {@code baselineNanos}:
     * {@code max(baseline × ratio, baseline + slack)}.
     */
    public double budgetNanos(double baselineNanos) {
        return Math.max(baselineNanos * budgetRatio, baselineNanos + budgetSlack.toNanos());
    }

    /** The fixed profile's rate: one batch per delay, in events/s; {@code +Infinity} for a zero delay. */
    public double fixedRate() {
        return fixedDelay.isZero() ? Double.POSITIVE_INFINITY : fixedBatch / (fixedDelay.toNanos() / 1e9);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Builds a {@link GovernorConfig}. Per-mode values left unset take the mode's defaults at {@link #build()}, so
     * {@code mode(...)} may come before or after the other setters.
     */
    public static final class Builder {
        private Mode mode = Mode.BACKGROUND;
        private double maxRate = Double.POSITIVE_INFINITY;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private int minBatch = 1;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Integer initialBatch;
        private Duration targetCommit;
        private Double budgetRatio;
        private Duration budgetSlack;
        private Integer waiterAllowance;
        private Duration probeInterval = Duration.ofMillis(50);
        private Duration window = Duration.ofSeconds(1);
        private int calibrationSamples = 200;
        private double initialRate = 100;
        private double minRate = 10;
        private Integer fixedBatch;
        private Duration fixedDelay;
        private Integer fixedConcurrency;

        private Builder() {
        }

        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /** Events/s; {@code Double.POSITIVE_INFINITY} for no cap. */
        public Builder maxRate(double eventsPerSecond) {
            this.maxRate = eventsPerSecond;
            return this;
        }

        public Builder maxConcurrency(int n) {
            this.maxConcurrency = n;
            return this;
        }

        public Builder minBatch(int n) {
            this.minBatch = n;
            return this;
        }

        public Builder maxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        public Builder initialBatch(int n) {
            this.initialBatch = n;
            return this;
        }

        public Builder targetCommit(Duration d) {
            this.targetCommit = d;
            return this;
        }

        public Builder budgetRatio(double r) {
            this.budgetRatio = r;
            return this;
        }

        public Builder budgetSlack(Duration d) {
            this.budgetSlack = d;
            return this;
        }

        public Builder waiterAllowance(int n) {
            this.waiterAllowance = n;
            return this;
        }

        public Builder probeInterval(Duration d) {
            this.probeInterval = d;
            return this;
        }

        public Builder window(Duration d) {
            this.window = d;
            return this;
        }

        public Builder calibrationSamples(int n) {
            this.calibrationSamples = n;
            return this;
        }

        public Builder initialRate(double eventsPerSecond) {
            this.initialRate = eventsPerSecond;
            return this;
        }

        public Builder minRate(double eventsPerSecond) {
            this.minRate = eventsPerSecond;
            return this;
        }

        public Builder fixedBatch(int n) {
            this.fixedBatch = n;
            return this;
        }

        public Builder fixedDelay(Duration d) {
            this.fixedDelay = d;
            return this;
        }

        public Builder fixedConcurrency(int n) {
            this.fixedConcurrency = n;
            return this;
        }

        public GovernorConfig build() {
            int initB = initialBatch != null ? initialBatch : Math.max(minBatch, Math.min(maxBatch, 50));
            return new GovernorConfig(mode, maxRate, maxConcurrency, minBatch, maxBatch, initB,
                    targetCommit != null ? targetCommit : defaultTargetCommit(mode),
                    budgetRatio != null ? budgetRatio : (mode == Mode.BACKGROUND ? 1.2 : 2.0),
                    budgetSlack != null ? budgetSlack
                            : Duration.ofNanos(mode == Mode.BACKGROUND ? 250_000L : 500_000L),
                    waiterAllowance != null ? waiterAllowance : (mode == Mode.BACKGROUND ? 0 : 1),
                    probeInterval, window, calibrationSamples, initialRate, minRate,
                    fixedBatch != null ? fixedBatch : 5,
                    fixedDelay != null ? fixedDelay : Duration.ofMillis(2000),
                    fixedConcurrency != null ? fixedConcurrency : 2);
        }

        private static Duration defaultTargetCommit(Mode mode) {
            return switch (mode) {
                case BACKGROUND -> Duration.ofMillis(50);
                case BALANCED -> Duration.ofMillis(100);
                case FAST, FIXED -> Duration.ofMillis(200);
            };
        }
    }
}
