package dev.sluice.replay.govern.internal;

import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.GovernorState.Phase;
import dev.sluice.replay.govern.Mode;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outer loop: the rate (events/s) at which batches may start, judged on the database's foreground signal —
 * TCP congestion control with a canary query for its delay and loss signals, and the host's CPU pressure beside it
 * when the database shares the host. Not thread-safe; the governor serialises calls and passes the time in, so this
 * class never reads a clock. (Past 400 lines: most of it is the algorithm's account below, which belongs beside
 * the code it explains.)
 *
 * <p>Algorithm:
 * <ol>
 *   <li><b>Calibrate.</b> Before any write, the {@link Baseline}: the {@value #QUANTILE_PERCENT}th percentile of the
 *       idle samples' latency and the highest it reached over any lookback (lock waiters: the 75th), and the mean of
 *       their CPU pressure; the budgets are
 *       {@code max(baseline × ratio, baseline + slack, baseline + 2 × (idleHigh − baseline))} (never tighter than the
 *       idle foreground's own swing), {@code baselineWaiters + allowance} and {@code baselinePressure + }
 *       {@link #pressureAllowance} (0.15 in {@code background}, 0.35 otherwise). Until then the rate is 0: nothing
 *       is written before the baseline is known.</li>
 *   <li><b>Judge once per window</b> (1 s by default) on the samples of the last {@value #LOOKBACK_WINDOWS} windows
 *       (~40 at the default 50 ms probe): latency at its {@value #QUANTILE_PERCENT}th percentile, CPU pressure as
 *       their mean (a share of time, so the mean is the share over the lookback). A high percentile because the
 *       harm that matters is the foreground's tail, its p99: a p75 stayed near its budget while pgbench's p99
 *       tripled (docs/BENCHMARKS.md); the 90th still ignores the one or two samples a hiccup that is not ours
 *       spoils. Two windows of samples halve the percentile's noise against one, while a step that lasts a window
 *       still fills the lookback's top tenth, so reaction stays within two windows.</li>
 *   <li><b>Breach</b> (latency, waiters or CPU pressure above budget): the rate halves, from the rate actually applied since the
 *       last judgement when that was lower (an allowance we were not using is not what hurt the database). Then a
 *       <b>cooldown</b> of one window: samples are discarded until a whole window has passed since the halving, so
 *       the batches already in flight can commit and the foreground queue drain, and the next judgement sees only
 *       samples taken after the cooldown. One overload therefore halves once, and a persistent one at most once per
 *       two windows.</li>
 *   <li><b>Below the budget, three zones</b> of {@code used = (judged − baseline) / (budget − baseline)}, of
 *       whichever signal is nearer its budget (Vegas' idea: act on the queue as it builds, not only once it
 *       overflows):
 *       <ul>
 *         <li>above {@value #EASE_ZONE_PERCENT} %: <b>ease off</b> by one additive step — the rate settles just under
 *             the budget instead of oscillating through it, which is what keeps the foreground's p99 down;</li>
 *         <li>above {@value #HOLD_ZONE_PERCENT} %: <b>hold</b>;</li>
 *         <li>otherwise <b>grow</b> — unless the rate is not binding (less than {@value #BINDING_PERCENT} % of it was
 *             used, because the source or the inner loop is the limit): growing an unused allowance would let a later
 *             burst hit the database at a rate no window ever tested.</li>
 *       </ul></li>
 *   <li><b>Growth.</b> Before the first breach, slow start: ×{@value #SLOW_START} per window (from the initial
 *       100 events/s to 50,000 in nine windows), left as soon as the foreground leaves the growth zone (HyStart's
 *       idea: leave slow start on rising delay, before a doubling overshoots). After it, additively: 2.5 % of the
 *       <em>reference</em> rate per window — the rate at the last breach, or where slow start
 *       ended — so after a halving the rate is back at the reference in {@value #RECOVERY_WINDOWS} windows and
 *       averages 3/4 of it meanwhile; small steps also mean that crossing the limit overshoots it by little. Past the
 *       reference, CUBIC's idea: the step doubles every window that passes without a breach or a hold (capped at
 *       {@value #MAX_PROBE_PERCENT} % of the rate), so the rate is careful near the last known limit and bolder the
 *       longer that limit proves stale (the foreground's own load fell), without ever overshooting by more than a
 *       tenth.</li>
 *   <li><b>Silence is a breach.</b> If no foreground sample has arrived for {@value #SILENT_WINDOWS} windows while
 *       the probe was being tried — one attempt outstanding that long, or attempts that keep failing — the probe
 *       is hung or failing (a hung canary is what a badly hurt database looks like), and the rate halves as for a
 *       breach (at most once per {@value #SILENT_WINDOWS} windows). No attempt at all is not silence: the process
 *       itself was paused ({@code SIGSTOP}, a suspended laptop) or starved, and {@link #paused} starts the
 *       judging afresh once its monitor runs again.</li>
 * </ol>
 * The rate always stays within {@code [min(minRate, maxRate), maxRate]}: the floor keeps a replay progressing under
 * any foreground, and the cap always holds.
 *
 * <p><b>Whose CPU pressure.</b> The pressure judged is what the rest of the host feels, not the host's whole PSI
 * figure: the probe takes the time this process's own threads waited for a CPU out of it (see the CLI's
 * {@code CpuPressureProbe}). PSI counts a waiting task of any priority, and a replay at idle priority that has work
 * waits whenever anything else runs — by design — and so do its threads behind each other (decoding, the JIT, the
 * GC). On the host's figure a {@code background} replay breached its pressure budget by existing: on 2026-12-07 it
 * sat at the floor (10 events/s) from its first window on a quiet machine while the foreground's p99 was ×0.74 of
 * idle (docs/BENCHMARKS.md). Our own waiting does not slow the foreground; the foreground waiting does. The canary's
 * latency stays the judge of harm; pressure is the early brake beside it.
 *
 * <p>The constants were chosen in {@code GovernorSimulation} (a synthetic database whose foreground slows sharply
 * past a capacity): 2.5 % steps gave fewer breaches and a lower p99 than 5 % at the same throughput; the ease-off
 * zone cut the breaches by about half. The 10 % cap on probing is a judgement, not a measurement: an overshoot costs
 * the foreground a window or two, and ×1.1 per window still finds a doubled capacity within ten windows.
 *
 * <p>When not {@code acting} (modes {@code fast} and {@code fixed}) the law still calibrates and judges, so progress
 * lines can show the foreground against its budget, but it never moves the rate.
 */
public final class RateLaw {
    private static final Logger LOG = LoggerFactory.getLogger(RateLaw.class);

    /** What a judgement decided, and on which signal: logged at debug level, one line per window. */
    public enum Verdict { NONE, BREACH_LATENCY, BREACH_WAITERS, BREACH_PRESSURE, SILENT, EASE, HOLD, IDLE_ALLOWANCE, GROW }

    static final double SLOW_START = 2.0;
    static final double BACKOFF = 0.5;
    static final double STEP = 0.025;
    static final int RECOVERY_WINDOWS = 20;
    static final double MAX_PROBE = 0.10;
    static final int MAX_PROBE_PERCENT = 10;
    static final double HOLD_ZONE = 0.5;
    static final int HOLD_ZONE_PERCENT = 50;
    static final double EASE_ZONE = 0.75;
    /** The latency quantile judged (and calibrated). */
    static final double QUANTILE = 0.90;
    static final int QUANTILE_PERCENT = 90;
    /** How far the host's CPU pressure may rise above its idle level, per mode. */
    static final double PRESSURE_ALLOWANCE_BACKGROUND = 0.15;
    static final double PRESSURE_ALLOWANCE_OTHER = 0.35;
    static final int EASE_ZONE_PERCENT = 75;
    static final double BINDING = 0.5;
    static final int BINDING_PERCENT = 50;
    static final int LOOKBACK_WINDOWS = 2;
    static final int SILENT_WINDOWS = 3;
    static final int MIN_SAMPLES = 3;

    private final GovernorConfig config;
    private final boolean acting;
    private final long windowNanos;
    private final double floor;

    private boolean calibrated;
    private double baselineNanos = Double.NaN;
    private double baselineWaiters = Double.NaN;
    private double budgetNanos = Double.NaN;
    private double idleHighNanos = Double.NaN;
    private double waiterBudget = Double.NaN;
    private final double pressureAllowance;
    private double baselinePressure = Double.NaN;

    private double rate;
    private boolean slowStart = true;
    private double reference = Double.NaN;
    private int probesPastReference;
    private long breaches;

    /** Samples taken at or before this are discarded (before calibration, or during a cooldown). */
    private long acceptFrom;
    private long nextJudgement;
    private long appliedSince;
    private long committed;
    private final SampleWindow samples = new SampleWindow();

    private double applied = Double.NaN;
    private double lastLatency = Double.NaN;
    private double lastWaiters = Double.NaN;
    private double lastPressure = Double.NaN;
    private long lastSampleAt;
    /** When the monitor last did anything: began a probe, or finished one (a sample or a failure). */
    private long lastTickAt;
    private boolean probing;
    private long probeStartAt;
    private Verdict verdict = Verdict.NONE;

    public RateLaw(GovernorConfig config, boolean acting) {
        this.config = config;
        this.acting = acting;
        this.windowNanos = config.window().toNanos();
        this.floor = Math.min(config.minRate(), config.maxRate());
        this.pressureAllowance = pressureAllowance(config.mode());
    }

    /** How far the host's CPU pressure may rise above its idle level in {@code mode}. */
    public static double pressureAllowance(Mode mode) {
        return mode == Mode.BACKGROUND ? PRESSURE_ALLOWANCE_BACKGROUND : PRESSURE_ALLOWANCE_OTHER;
    }

    /**
     * Learns the idle baseline. A second call re-learns the baseline and budget but keeps the rate.
     *
     * @throws IllegalArgumentException if {@code idle} is empty
     */
    public void calibrate(List<ForegroundSample> idle, long now) {
        if (idle.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one idle sample");
        }
        Baseline b = Baseline.of(idle, config, samplesPerLookback(), QUANTILE, HOLD_ZONE);
        baselineNanos = b.latencyNanos();
        baselineWaiters = b.waiters();
        baselinePressure = b.pressure();
        idleHighNanos = b.idleHighNanos();
        budgetNanos = b.budgetNanos();
        waiterBudget = baselineWaiters + config.waiterAllowance();
        LOG.debug(String.format(Locale.ROOT, "calibrated on %d idle samples: p90 %.2f ms, highest p90 of a lookback"
                        + " %.2f ms (swing ×%.2f), budget %.2f ms; cpu pressure %.3f, budget %.3f", idle.size(),
                baselineNanos / 1e6, idleHighNanos / 1e6, idleHighNanos / baselineNanos, budgetNanos / 1e6,
                baselinePressure, baselinePressure + pressureAllowance));
        if (!calibrated) {
            rate = clamp(config.initialRate());
            calibrated = true;
        }
        restartJudging(now);
        lastSampleAt = now;
        lastTickAt = now;
    }

    /** How many samples one judgement's lookback holds at the configured probe interval. */
    private int samplesPerLookback() {
        return (int) Math.max(MIN_SAMPLES, LOOKBACK_WINDOWS * windowNanos / config.probeInterval().toNanos());
    }

    /** The monitor begins a probe. */
    public void probing(long now) {
        probing = true;
        probeStartAt = now;
        lastTickAt = now;
    }

    /** A probe failed: no sample, but the monitor is alive and trying. */
    public void probeFailed(long now) {
        probing = false;
        lastTickAt = now;
    }

    /**
     * The monitor's own schedule slipped by more than a window: this process was paused or starved, so the time
     * without samples was not the probe's silence, and the samples before it no longer describe the foreground.
     * Judging starts afresh from {@code now}; the rate is kept.
     */
    public void paused(long now) {
        probing = false;
        lastTickAt = now;
        lastSampleAt = now;
        if (calibrated) {
            restartJudging(now);
        }
    }

    public void onCommitted(int events, long now) {
        if (calibrated && now >= appliedSince) {
            committed += events;
        }
    }

    public void onSample(ForegroundSample s, long now) {
        lastSampleAt = now;
        lastTickAt = now;
        probing = false;
        if (!calibrated || now <= acceptFrom) {
            return; // before the baseline, or cooling down after a halving (a sample at its very end included)
        }
        samples.add(now, s.latencyNanos(), s.waiters(), s.cpuPressure());
        if (now >= nextJudgement && samples.size() >= MIN_SAMPLES) {
            judge(now);
        }
    }

    /** The rate in force at {@code now}, in events/s; 0 before calibration. */
    public double rate(long now) {
        if (acting && calibrated && now >= acceptFrom && silent(now)) {
            lastLatency = Double.NaN;
            lastWaiters = Double.NaN;
            lastPressure = Double.NaN;
            lastSampleAt = now;
            measureApplied(now);
            backOff(now);
            verdict = Verdict.SILENT;
            LOG.debug("judged SILENT: no foreground sample for {} windows; rate -> {}/s", SILENT_WINDOWS, rate);
        }
        return calibrated ? rate : 0.0;
    }

    /** No sample for {@value #SILENT_WINDOWS} windows while the probe was tried: hung, or failing throughout. */
    private boolean silent(long now) {
        long limit = SILENT_WINDOWS * windowNanos;
        if (now - lastSampleAt <= limit) {
            return false;
        }
        return probing ? now - probeStartAt > limit : now - lastTickAt <= windowNanos;
    }

    public Phase phase(long now) {
        if (!acting) {
            return Phase.STEADY;
        }
        if (!calibrated) {
            return Phase.CALIBRATING;
        }
        if (now < acceptFrom) {
            return Phase.BACKING_OFF;
        }
        return slowStart && rate < config.maxRate() ? Phase.STARTING : Phase.STEADY;
    }

    private void judge(long now) {
        measureApplied(now);
        samples.evict(now - LOOKBACK_WINDOWS * windowNanos);
        lastLatency = samples.latency(QUANTILE);
        lastWaiters = samples.waiters(0.75);
        lastPressure = samples.pressure();
        nextJudgement = now + windowNanos;
        if (!acting) {
            return;
        }
        double before = rate;
        verdict = decide(now);
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format(Locale.ROOT, "judged %s: fg p90 %.2f/%.2f ms (idle %.2f), waiters %.0f/%.0f,"
                            + " cpu pressure %.3f/%.3f, applied %.0f/s, rate %.0f -> %.0f/s", verdict,
                    lastLatency / 1e6, budgetNanos / 1e6, baselineNanos / 1e6, lastWaiters, waiterBudget,
                    lastPressure, pressureBudget(), applied, before, rate));
        }
    }

    /** One judgement's decision on the samples just reduced; moves the rate. */
    private Verdict decide(long now) {
        boolean pressured = Double.isFinite(lastPressure) && Double.isFinite(baselinePressure);
        if (lastLatency > budgetNanos) {
            backOff(now);
            return Verdict.BREACH_LATENCY;
        }
        if (lastWaiters > waiterBudget) {
            backOff(now);
            return Verdict.BREACH_WAITERS;
        }
        if (pressured && lastPressure > baselinePressure + pressureAllowance) {
            backOff(now);
            return Verdict.BREACH_PRESSURE;
        }
        // Where the foreground is between its baseline (0) and its budget (1), on the signal nearer its budget.
        double used = (lastLatency - baselineNanos) / (budgetNanos - baselineNanos);
        if (pressured) {
            used = Math.max(used, (lastPressure - baselinePressure) / pressureAllowance);
        }
        if (used > EASE_ZONE) {
            // Close to the budget: step back before it is breached, by the step the rate grows with.
            if (slowStart) {
                slowStart = false;
                reference = rate;
            }
            probesPastReference = 0;
            rate = clamp(rate - STEP * reference);
            return Verdict.EASE;
        }
        boolean binding = applied >= BINDING * rate;
        if (used > HOLD_ZONE || !binding) {
            if (slowStart && used > HOLD_ZONE) {
                slowStart = false;
                reference = rate;
            }
            probesPastReference = 0;
            return used > HOLD_ZONE ? Verdict.HOLD : Verdict.IDLE_ALLOWANCE;
        }
        if (slowStart) {
            rate = clamp(rate * SLOW_START);
        } else if (rate < reference) {
            rate = clamp(Math.min(reference, rate + STEP * reference));
        } else {
            double step = STEP * reference * Math.pow(2, Math.min(30, probesPastReference++));
            rate = clamp(rate + Math.min(step, MAX_PROBE * rate));
        }
        return Verdict.GROW;
    }

    private void backOff(long now) {
        breaches++;
        double effective = applied > 0 ? Math.min(rate, applied) : rate;
        reference = effective;
        rate = clamp(effective * BACKOFF);
        slowStart = false;
        probesPastReference = 0;
        restartJudging(now + windowNanos);
        nextJudgement = now + 2 * windowNanos;
    }

    /** Forgets the samples and starts measuring afresh from {@code from}. */
    private void restartJudging(long from) {
        acceptFrom = from;
        appliedSince = from;
        nextJudgement = from + windowNanos;
        committed = 0;
        samples.clear();
    }

    private void measureApplied(long now) {
        if (now > appliedSince) {
            applied = committed / ((now - appliedSince) / 1e9);
        }
        appliedSince = now;
        committed = 0;
    }

    private double clamp(double r) {
        return Math.min(config.maxRate(), Math.max(floor, r));
    }

    public boolean calibrated() {
        return calibrated;
    }

    /** The last judgement's decision ({@link Verdict#NONE} before the first, or when not acting). */
    public Verdict verdict() {
        return verdict;
    }

    public long breaches() {
        return breaches;
    }

    /** Events/s committed between the last two judgements; NaN before the first. */
    public double appliedRate() {
        return applied;
    }

    /** The last judgement's mean CPU pressure, in [0, 1]; NaN before the first one, when silent or unmeasured. */
    public double cpuPressure() {
        return lastPressure;
    }

    /** What {@link #cpuPressure} may reach before the rate halves; NaN when it is not measured. */
    public double pressureBudget() {
        return baselinePressure + pressureAllowance;
    }

    /** The last judgement's judged latency percentile in nanoseconds; NaN before the first one or when silent. */
    public double foregroundNanos() {
        return lastLatency;
    }

    public double foregroundWaiters() {
        return lastWaiters;
    }

    public double baselineNanos() {
        return baselineNanos;
    }

    /** The highest judged percentile over any lookback of the idle samples (see {@link #calibrate}). */
    public double idleHighNanos() {
        return idleHighNanos;
    }

    public double budgetNanos() {
        return budgetNanos;
    }

    /** The rate at the last breach (or where slow start ended), from which the additive step is taken. */
    public double referenceRate() {
        return reference;
    }
}
