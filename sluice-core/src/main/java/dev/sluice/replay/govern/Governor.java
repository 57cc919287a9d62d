package dev.sluice.replay.govern;

import dev.sluice.replay.govern.internal.BatchSizer;
import dev.sluice.replay.govern.internal.ConcurrencyLimit;
import dev.sluice.replay.govern.internal.RateLaw;
import dev.sluice.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The replay's control law: turns what it observes — the sink's commit latencies and the database's foreground
 * signal — into three outputs: {@link #batchSize()}, {@link #concurrency()} and {@link #rate()}. It owns no thread
 * and never sleeps; the {@link Throttle} enforces its outputs and a {@link ForegroundMonitor} feeds it samples.
 * Thread-safe (every method is synchronized; each call is a few arithmetic operations). All time comes from the
 * injected {@link Clock}, so tests drive it with a fake one.
 *
 * <p>Two loops, each with its own signal, so neither needs to guess what the other measures:
 * <ul>
 *   <li><b>Inner loop</b> on the sink's own commits, in every mode but {@code fixed}: the batch size keeps a
 *       commit's time in a band around the mode's target (see {@code BatchSizer}), and the concurrency follows
 *       AIMD on per-event commit latency against its long-term best, halving on a failed commit (see
 *       {@code ConcurrencyLimit}). This finds how much the database absorbs without queueing our own writes.</li>
 *   <li><b>Outer loop</b> on the foreground, in {@code background} and {@code balanced} only: a rate in events/s
 *       that halves when the canary's latency, lock waiters or the host's CPU pressure breach a budget relative to the idle
 *       baseline, eases
 *       off and holds as the foreground nears the budget, and grows — doubling before the first breach, additively
 *       after — otherwise (see {@code RateLaw}). This finds how much of what the database absorbs can be taken
 *       without its other clients noticing.</li>
 * </ul>
 * The loops meet in one place: a batch is never bigger than a fiftieth of a window's worth of the rate (with the
 * default 1 s window, a batch start every 20 ms or more often — several per 100 ms probe interval), so a slow rate starts
 * many small batches — a smooth load that each foreground sample sees alike — rather than a few large bursts that
 * some samples catch and others miss.
 *
 * <p>Per mode: {@code fast} keeps the inner loop and the rate at {@code maxRate} (unthrottled by default);
 * {@code fixed} returns the configured batch, concurrency and {@code batch / delay} as the rate, ignores every input
 * but counts them; caps ({@code maxRate}, {@code maxConcurrency}, {@code maxBatch}) hold in every mode, whatever
 * the samples.
 *
 * <p>Caller's duties: in {@code background} and {@code balanced}, {@link #rate()} is 0 until {@link #calibrate} has
 * run — nothing may be written before the idle baseline is known — so a replay in those modes needs a
 * {@link ForegroundMonitor} (or its own calls to {@code calibrate} and {@code onForeground}); report every commit
 * exactly once through {@link #onCommit} (the {@link Throttle} does this on release).
 */
public final class Governor {
    /** A batch holds at most 1/this of a window's worth of the rate (see the class comment). */
    static final int BATCHES_PER_WINDOW = 50;
    private static final double EWMA_ALPHA = 0.2;

    private final GovernorConfig config;
    private final Clock clock;
    private final BatchSizer sizer;
    private final ConcurrencyLimit limit;
    private final RateLaw law;
    private final double windowSeconds;
    private double commitEwmaNanos = Double.NaN;
    private long failedCommits;

    public Governor(GovernorConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sizer = new BatchSizer(config.minBatch(), config.maxBatch(), config.initialBatch(),
                config.targetCommit().toNanos());
        this.limit = new ConcurrencyLimit(config.maxConcurrency(), 2);
        this.law = new RateLaw(config, config.mode().watchesForeground());
        this.windowSeconds = config.window().toNanos() / 1e9;
    }

    public GovernorConfig config() {
        return config;
    }

    public Mode mode() {
        return config.mode();
    }

    /**
     * The idle baseline, measured before any write: the 75th percentile of {@code idle}. In {@code background} and
     * {@code balanced} this releases the first writes, at the initial rate. A later call re-learns the baseline and
     * keeps the rate.
     *
     * @throws IllegalArgumentException if {@code idle} is empty
     */
    public synchronized void calibrate(List<ForegroundSample> idle) {
        law.calibrate(List.copyOf(idle), clock.nanoTime());
    }

    /** One foreground sample (outer loop input). Ignored for control, but shown, in {@code fast} and {@code fixed}. */
    public synchronized void onForeground(ForegroundSample sample) {
        law.onSample(Objects.requireNonNull(sample, "sample"), clock.nanoTime());
    }

    /** The monitor begins a probe (so that a probe that never returns can be told from a process that is paused). */
    public synchronized void onProbing() {
        law.probing(clock.nanoTime());
    }

    /** A probe failed: no sample this time. */
    public synchronized void onProbeFailed() {
        law.probeFailed(clock.nanoTime());
    }

    /**
     * The monitor found its schedule slipped by more than a window: this process was paused or starved, not the
     * probe silent. The foreground is judged afresh from now; the rate is kept.
     */
    public synchronized void onPaused() {
        law.paused(clock.nanoTime());
    }

    /** A batch finished (inner loop input), with the number of batches in flight unknown. */
    public void onCommit(int events, long latencyNanos, boolean failed) {
        onCommit(events, latencyNanos, failed, -1);
    }

    /**
     * A batch of {@code events} finished after {@code latencyNanos} (from its start to its commit or failure).
     *
     * @param inflight batches in flight when it finished, itself included, or negative if unknown; concurrency only
     *                 grows on windows where the limit was reached (the {@link Throttle} passes it)
     */
    public synchronized void onCommit(int events, long latencyNanos, boolean failed, int inflight) {
        if (events < 0 || latencyNanos < 0) {
            throw new IllegalArgumentException("events and latency must be >= 0, were " + events + ", "
                    + latencyNanos);
        }
        long now = clock.nanoTime();
        if (failed) {
            failedCommits++;
            if (config.mode().adaptive()) {
                limit.onFailure();
            }
            return;
        }
        commitEwmaNanos = Double.isNaN(commitEwmaNanos) ? latencyNanos
                : commitEwmaNanos + EWMA_ALPHA * (latencyNanos - commitEwmaNanos);
        law.onCommitted(events, now);
        if (config.mode().adaptive() && events > 0) {
            sizer.onCommit(events, latencyNanos, rateCap(rate(now)));
            limit.onSuccess((double) latencyNanos / events, inflight);
        }
    }

    /** Events per batch now: in {@code [minBatch, maxBatch]}. */
    public synchronized int batchSize() {
        return batchSize(clock.nanoTime());
    }

    private int batchSize(long now) {
        if (!config.mode().adaptive()) {
            return Math.min(config.fixedBatch(), config.maxBatch());
        }
        return Math.min(sizer.size(), rateCap(rate(now)));
    }

    /**
     * The largest batch that still leaves {@value #BATCHES_PER_WINDOW} batch starts per window at {@code rate} (at
     * the initial rate while calibrating, so the first batch is already the right size).
     */
    private int rateCap(double rate) {
        if (!Double.isFinite(rate)) {
            return Integer.MAX_VALUE;
        }
        double r = rate > 0 ? rate : Math.min(config.initialRate(), config.maxRate());
        double cap = r * windowSeconds / BATCHES_PER_WINDOW;
        return (int) Math.max(config.minBatch(), Math.min(config.maxBatch(), Math.floor(cap)));
    }

    /** Batches allowed to commit at once now: in {@code [1, maxConcurrency]}. */
    public synchronized int concurrency() {
        if (!config.mode().adaptive()) {
            return Math.min(config.fixedConcurrency(), config.maxConcurrency());
        }
        return limit.limit();
    }

    /**
     * Events per second allowed now: {@code +Infinity} when unthrottled ({@code fast} without {@code --max-rate}),
     * 0 while calibrating; never above {@code maxRate}.
     */
    public synchronized double rate() {
        return rate(clock.nanoTime());
    }

    private double rate(long now) {
        return switch (config.mode()) {
            case FIXED -> Math.min(config.maxRate(), config.fixedRate());
            case FAST -> config.maxRate();
            case BACKGROUND, BALANCED -> law.rate(now);
        };
    }

    public synchronized GovernorState state() {
        long now = clock.nanoTime();
        double rate = rate(now);
        return new GovernorState(config.mode(), law.phase(now), rate, law.appliedRate(), concurrency(),
                batchSize(now), commitEwmaNanos / 1e6, law.foregroundNanos() / 1e6, law.budgetNanos() / 1e6,
                law.baselineNanos() / 1e6, law.foregroundWaiters(), law.cpuPressure(), law.pressureBudget(),
                law.breaches(), failedCommits);
    }

    @Override
    public String toString() {
        return "Governor[" + state().summary() + "]";
    }
}
