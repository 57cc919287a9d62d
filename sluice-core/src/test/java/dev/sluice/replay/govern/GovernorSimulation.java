package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.FakeClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The governor against a synthetic database, in simulated time: minutes of replay in a few milliseconds, seeded,
 * no threads. Named {@code *Simulation} (STYLE.md): surefire's default pattern does not pick it up, run it with
 * {@code -Dtest=GovernorSimulation}.
 *
 * <p>The database model, every millisecond:
 * <ul>
 *   <li>A batch of {@code n} events commits in {@code (a + b·n) × max(1, inflight / cores)}: a fixed cost per
 *       transaction, a cost per row, and queueing once more batches run than the database has cores.</li>
 *   <li>Our write load is the events/s being processed by the batches in flight, averaged over the last 300 ms
 *       (what the foreground feels lags what we do).</li>
 *   <li>The foreground canary takes {@code base × (1 + 0.1·u + 3·max(0, u − 1))} with {@code u = load / knee},
 *       times log-normal jitter (σ 0.1) and a rare 3× hiccup (0.2 % of samples) that has nothing to do with us: a
 *       gentle slope while the database has spare capacity, a steep one once our writes take what the foreground
 *       needs. {@code knee} is the capacity this simulation is about.</li>
 * </ul>
 * The engine side re-enacts the {@link Throttle}'s contract in single-threaded form (slots, GCRA pacing with no
 * burst) and feeds the governor exactly what the replay engine would. {@code SIM_TRACE=1} in the environment prints
 * one line per simulated second.
 *
 * <p>What it shows, and what it does not: background settles at 3/4 or more of the capacity with the canary's p75
 * under budget, and the canary's p99 over a run at 1.07-1.21 × idle (seeds 1-10) — the outer loop peaks at the
 * budget, so with the default ratio of 1.2 there is little margin under a benchmark that asks for p99 ≤ 1.2 × idle
 * on a foreground exactly as sensitive as the canary. A real foreground (pgbench) and a real canary
 * ({@code SELECT 1}) need not react alike; measure before tightening {@code --foreground-budget}.
 */
class GovernorSimulation {
    private static final long MS = 1_000_000L;

    /** The synthetic database; {@code knee} may change over time (the foreground's own load moves). */
    record Database(double fixedMs, double perEventMs, int cores, double baseMs, DoubleUnaryOperator kneeAtSecond) {
        double commitMs(int events, int inflight) {
            return (fixedMs + perEventMs * events) * Math.max(1.0, (double) inflight / cores);
        }
    }

    /** What one run measured. */
    record Result(double[] appliedPerSecond, double[] foregroundP75PerSecond, double[] budgetPerSecond,
                  List<Double> foregroundSamples, double idleP99, long breaches, String finalState) {

        double meanApplied(int fromSecond, int toSecond) {
            return Arrays.stream(appliedPerSecond, fromSecond, toSecond).average().orElse(0);
        }

        /** Share of seconds in {@code [from, to)} whose p75 canary latency was over budget. */
        double overBudget(int fromSecond, int toSecond) {
            long over = 0;
            for (int s = fromSecond; s < toSecond; s++) {
                if (foregroundP75PerSecond[s] > budgetPerSecond[s]) {
                    over++;
                }
            }
            return (double) over / (toSecond - fromSecond);
        }

        /** The canary's p99 over {@code [from, to)} seconds divided by its idle p99: the benchmark's criterion. */
        double p99Ratio(int fromSecond, int toSecond) {
            return quantile(fromSecond, toSecond, 0.99) / idleP99;
        }

        /** The canary's p75 over all of {@code [from, to)} divided by the budget: below 1 is "settled under it". */
        double p75OverBudget(int fromSecond, int toSecond) {
            return quantile(fromSecond, toSecond, 0.75) / budgetPerSecond[toSecond - 1];
        }

        private double quantile(int fromSecond, int toSecond, double q) {
            double[] window = foregroundSamples.subList(fromSecond * 10, toSecond * 10).stream()
                    .mapToDouble(Double::doubleValue).sorted().toArray();
            return window[(int) Math.ceil(q * window.length) - 1];
        }
    }

    private record InFlight(long finishNanos, int events, long latencyNanos, double eventsPerSecond) {
    }

    static Result run(GovernorConfig config, Database db, int seconds, long seed) {
        FakeClock clock = new FakeClock();
        Governor governor = new Governor(config, clock);
        Random random = new Random(seed);

        // Calibrate on the idle database, as the ForegroundMonitor would.
        List<ForegroundSample> idle = new ArrayList<>();
        double[] idleMs = new double[1000];
        for (int i = 0; i < idleMs.length; i++) {
            idleMs[i] = canaryMs(db, 0, 1, random);
            if (i < config.calibrationSamples()) {
                idle.add(ForegroundSample.ofMillis(idleMs[i], 0));
            }
        }
        Arrays.sort(idleMs);
        double idleP99 = idleMs[(int) Math.ceil(0.99 * idleMs.length) - 1];
        governor.calibrate(idle);

        List<InFlight> inflight = new ArrayList<>();
        ArrayDeque<Double> recentLoad = new ArrayDeque<>();
        double recentLoadSum = 0;
        long scheduleBase = clock.nanoTime();
        double owed = 0;
        double[] applied = new double[seconds];
        double[] p75 = new double[seconds];
        double[] budget = new double[seconds];
        List<Double> samples = new ArrayList<>();
        List<Double> secondSamples = new ArrayList<>();

        for (int ms = 1; ms <= seconds * 1000; ms++) {
            clock.advanceMillis(1);
            long now = clock.nanoTime();
            int second = (ms - 1) / 1000;
            // Commits that finished.
            for (var it = inflight.iterator(); it.hasNext(); ) {
                InFlight b = it.next();
                if (b.finishNanos <= now) {
                    int running = inflight.size();
                    it.remove();
                    governor.onCommit(b.events, b.latencyNanos, false, running);
                    applied[second] += b.events;
                }
            }
            // Starts: a free slot and the pace (GCRA, no burst), as the Throttle does.
            while (inflight.size() < governor.concurrency()) {
                double rate = governor.rate();
                if (rate <= 0) {
                    break;
                }
                long due = Double.isInfinite(rate) || owed == 0 ? scheduleBase
                        : scheduleBase + (long) Math.ceil(owed * 1e9 / rate);
                if (now < due) {
                    break;
                }
                int n = governor.batchSize();
                double commitMs = db.commitMs(n, inflight.size() + 1);
                long latency = (long) (commitMs * MS);
                inflight.add(new InFlight(now + latency, n, latency, n / (commitMs / 1000)));
                scheduleBase = now;
                owed = n;
            }
            // What the foreground feels: our load over the last 300 ms.
            double load = 0;
            for (InFlight b : inflight) {
                load += b.eventsPerSecond;
            }
            recentLoad.addLast(load);
            recentLoadSum += load;
            if (recentLoad.size() > 300) {
                recentLoadSum -= recentLoad.removeFirst();
            }
            if (ms % 100 == 0) {
                double knee = db.kneeAtSecond.applyAsDouble(ms / 1000.0);
                double fg = canaryMs(db, recentLoadSum / recentLoad.size(), knee, random);
                governor.onForeground(ForegroundSample.ofMillis(fg, 0));
                samples.add(fg);
                secondSamples.add(fg);
            }
            if (ms % 1000 == 0) {
                double[] s = secondSamples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                p75[second] = s[(int) Math.ceil(0.75 * s.length) - 1];
                budget[second] = governor.state().budgetMs();
                secondSamples.clear();
                if (System.getenv("SIM_TRACE") != null) {
                    System.out.printf(Locale.ROOT, "t=%3d applied %,7.0f p75 %.2f budget %.2f | %s%n", second + 1,
                            applied[second], p75[second], budget[second], governor.state().summary());
                }
            }
        }
        GovernorState end = governor.state();
        return new Result(applied, p75, budget, samples, idleP99, end.breaches(), end.summary());
    }

    private static double canaryMs(Database db, double load, double knee, Random random) {
        double u = load / knee;
        double ms = db.baseMs * (1 + 0.1 * u + 3 * Math.max(0, u - 1)) * Math.exp(0.1 * random.nextGaussian());
        return random.nextInt(500) == 0 ? ms * 3 : ms;
    }

    private static final double KNEE = 40_000;

    /** 2 ms fixed and 20 µs per row per commit, 2 cores, a 2 ms canary, our capacity 40,000 events/s. */
    private static Database database(DoubleUnaryOperator knee) {
        return new Database(2.0, 0.020, 2, 2.0, knee);
    }

    private static void print(String name, Result r, int from, int to) {
        System.out.printf(Locale.ROOT, "%-30s applied %,7.0f/s  p75/budget %.2f  seconds over budget %4.1f %%"
                        + "  p99/idle %.2f  breaches %d%n  %s%n", name, r.meanApplied(from, to),
                r.p75OverBudget(from, to), 100 * r.overBudget(from, to), r.p99Ratio(from, to), r.breaches,
                r.finalState);
    }

    /*
     * Measured over seeds 1-10: background's p99/idle 1.07-1.18, its throughput 73-90 % of the knee; balanced
     * 40-47k/s. Three seeds run here.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void backgroundSettlesUnderItsBudgetAtAGoodFractionOfTheCapacity(long seed) {
        Result fast = run(GovernorConfig.ofMode(Mode.FAST), database(s -> KNEE), 120, seed);
        Result background = run(GovernorConfig.ofMode(Mode.BACKGROUND), database(s -> KNEE), 120, seed);
        Result balanced = run(GovernorConfig.ofMode(Mode.BALANCED), database(s -> KNEE), 120, seed);
        print("fast, seed " + seed, fast, 60, 120);
        print("background, seed " + seed, background, 60, 120);
        print("balanced, seed " + seed, balanced, 60, 120);

        // fast takes what the database absorbs, far past the foreground's knee
        assertThat(fast.meanApplied(60, 120)).isGreaterThan(2 * KNEE);
        assertThat(fast.overBudget(60, 120)).isGreaterThan(0.9);
        // background: settled under its budget, near the benchmark's p99 criterion, at a good fraction of the
        // capacity and of fast
        assertThat(background.p75OverBudget(60, 120)).isLessThan(1.0);
        assertThat(background.overBudget(60, 120)).as("seconds whose own p75 is over").isLessThanOrEqualTo(0.2);
        assertThat(background.p99Ratio(60, 120)).isLessThanOrEqualTo(1.2);
        assertThat(background.meanApplied(60, 120)).isGreaterThanOrEqualTo(0.7 * KNEE);
        assertThat(background.meanApplied(60, 120)).isGreaterThanOrEqualTo(0.25 * fast.meanApplied(60, 120));
        // balanced trades some of the budget for throughput
        assertThat(balanced.meanApplied(60, 120)).isGreaterThanOrEqualTo(background.meanApplied(60, 120));
        assertThat(balanced.p75OverBudget(60, 120)).isLessThan(1.0);
    }

    /*
     * Measured over seeds 1-10: busy, p99/idle 1.09-1.21 and 75-84 % of the room left; gone, 77-88 % of the knee.
     */
    @Test
    void backgroundFollowsTheForegroundWhenItsLoadComesAndGoes() {
        // The foreground's own load doubles at 120 s (half the room left for us) and goes away at 240 s.
        DoubleUnaryOperator knee = s -> s >= 120 && s < 240 ? KNEE / 2 : KNEE;
        Result r = run(GovernorConfig.ofMode(Mode.BACKGROUND), database(knee), 360, 2);
        print("background, before", r, 60, 120);
        print("background, foreground busy", r, 135, 240);
        print("background, foreground gone", r, 300, 360);

        assertThat(r.p75OverBudget(60, 120)).isLessThan(1.0);
        assertThat(r.p75OverBudget(125, 240)).as("within five seconds of the change").isLessThan(1.0);
        assertThat(r.p99Ratio(135, 240)).isLessThanOrEqualTo(1.25);
        assertThat(r.meanApplied(135, 240)).isGreaterThanOrEqualTo(0.7 * KNEE / 2);
        // Judged on the canary's p90 (its tail, which the jitter reaches more often than its p75) it settles lower.
        assertThat(r.meanApplied(300, 360)).as("takes the room back").isGreaterThanOrEqualTo(0.65 * KNEE);
        assertThat(r.p75OverBudget(300, 360)).isLessThan(1.0);
    }

    @Test
    void aMaxRateCapsEveryModeAndFixedCrawlsAtItsProfile() {
        for (Mode mode : List.of(Mode.FAST, Mode.BACKGROUND)) {
            Result r = run(GovernorConfig.builder().mode(mode).maxRate(5000).build(), database(s -> KNEE), 60, 3);
            print(mode.flagValue() + " --max-rate 5000", r, 20, 60);
            assertThat(r.meanApplied(20, 60)).isBetween(4500.0, 5000.0);
        }
        Result fixed = run(GovernorConfig.ofMode(Mode.FIXED), database(s -> KNEE), 60, 4);
        print("fixed", fixed, 0, 60);
        assertThat(fixed.meanApplied(0, 60)).isBetween(2.4, 2.6);
    }
}
