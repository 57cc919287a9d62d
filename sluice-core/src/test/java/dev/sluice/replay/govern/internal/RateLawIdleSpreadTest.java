package dev.sluice.replay.govern.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.replay.govern.internal.RateLaw.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The law's judgement on synthetic foregrounds, time passed in (no clock, no sleeps): a latency budget never tighter
 * than the idle foreground's own swing, and which signal a breach was on.
 */
class RateLawIdleSpreadTest {
    private static final long MS = 1_000_000L;
    private static final long PROBE = 50 * MS;

    /** A foreground whose p90 swings by itself: every fifth sample slow, in every other 2 s stretch. */
    private static double swinging(int i) {
        return (i / 40) % 2 == 1 && i % 5 == 0 ? 1.5 : 1.0;
    }

    private static List<ForegroundSample> idle(double pressure) {
        List<ForegroundSample> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            out.add(new ForegroundSample(Math.round(swinging(i) * MS), 0, pressure));
        }
        return out;
    }

    /** Feeds {@code n} samples from {@code t}, committing all the rate allows; returns the time after. */
    private static long feed(RateLaw law, long t, int n, java.util.function.IntFunction<ForegroundSample> sample) {
        for (int i = 0; i < n; i++) {
            t += PROBE;
            law.onCommitted((int) Math.round(law.rate(t) * PROBE / 1e9), t);
            law.probing(t);
            law.onSample(sample.apply(i), t);
        }
        return t;
    }

    @Test
    void theBudgetIsNeverTighterThanTheIdleSwing_SoTheSameSwingKeepsGrowing() {
        RateLaw law = new RateLaw(GovernorConfig.ofMode(Mode.BACKGROUND), true);
        law.calibrate(idle(Double.NaN), 0);
        assertThat(law.baselineNanos()).isEqualTo(1.0 * MS);
        assertThat(law.idleHighNanos()).isEqualTo(1.5 * MS);
        // 1.2 × 1.0 ms would breach on the idle swing alone; the swing sits at the edge of the growth zone.
        assertThat(law.budgetNanos()).isEqualTo(2.0 * MS);
        feed(law, 0, 400, i -> new ForegroundSample(Math.round(swinging(i) * MS), 0));
        assertThat(law.breaches()).isZero();
        assertThat(law.rate(20_000 * MS)).as("grown from 100/s").isGreaterThan(10_000);
    }

    @Test
    void aRiseBeyondTheIdleSwingStillBreachesOnLatency() {
        RateLaw law = new RateLaw(GovernorConfig.ofMode(Mode.BACKGROUND), true);
        law.calibrate(idle(Double.NaN), 0);
        long t = feed(law, 0, 100, i -> new ForegroundSample(MS, 0));
        double before = law.rate(t);
        feed(law, t, 40, i -> new ForegroundSample(2_500_000, 0));
        assertThat(law.breaches()).isEqualTo(1);
        assertThat(law.verdict()).isEqualTo(Verdict.BREACH_LATENCY);
        assertThat(law.rate(t + 40 * PROBE)).isLessThan(before);
    }

    @Test
    void withoutASwingTheRatioHolds() {
        RateLaw law = new RateLaw(GovernorConfig.ofMode(Mode.BACKGROUND), true);
        List<ForegroundSample> steady = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            steady.add(new ForegroundSample(2 * MS, 0));
        }
        law.calibrate(steady, 0);
        assertThat(law.budgetNanos()).isEqualTo(2.4 * MS);
    }

    @Test
    void tooFewIdleSamplesToSeeASwingLeaveTheBudgetAsTheRatioSays() {
        assertThat(Baseline.idleHigh(new double[] {1, 1, 1, 9, 1, 1}, 40, 0.9)).isEqualTo(9);
        RateLaw law = new RateLaw(GovernorConfig.ofMode(Mode.BACKGROUND), true);
        law.calibrate(idle(Double.NaN).subList(40, 79), 0); // 39 samples: fewer than two lookbacks
        assertThat(law.idleHighNanos()).isEqualTo(law.baselineNanos());
    }

    @Test
    void pressureAboveItsAllowanceIsNamedAsTheBreach() {
        RateLaw law = new RateLaw(GovernorConfig.ofMode(Mode.BACKGROUND), true);
        law.calibrate(idle(0.02), 0);
        long t = feed(law, 0, 60, i -> new ForegroundSample(MS, 0, 0.05));
        assertThat(law.verdict()).isEqualTo(Verdict.GROW);
        feed(law, t, 40, i -> new ForegroundSample(MS, 0, 0.30));
        assertThat(law.verdict()).isEqualTo(Verdict.BREACH_PRESSURE);
        assertThat(law.breaches()).isEqualTo(1);
    }
}
