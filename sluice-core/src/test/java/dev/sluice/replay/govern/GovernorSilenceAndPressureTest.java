package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.sluice.replay.govern.GovernorState.Phase;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * The outer loop's signals beside the canary's latency: a probe that hangs or keeps failing is silence, a breach; a
 * process that was itself paused is not; the host's CPU pressure breaches above its allowance and holds near it.
 */
class GovernorSilenceAndPressureTest {
    private static final long MS = GovernorRun.MS;
    private static final long WINDOW_MS = GovernorRun.WINDOW_MS;
    private static final long PROBE_MS = GovernorRun.PROBE_MS;

    @Test
    void aProbeThatHangsIsABreach() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(20, 1.0);
        assertThat(run.g.rate()).isEqualTo(400.0);
        run.g.onProbing(); // and it never returns
        run.clock.advanceMillis(3 * WINDOW_MS);
        assertThat(run.g.rate()).isEqualTo(400.0);
        run.clock.advanceMillis(1);
        assertThat(run.g.rate()).isEqualTo(200.0);
        assertThat(run.g.state().phase()).isEqualTo(Phase.BACKING_OFF);
        assertThat(run.g.state().foregroundMs()).isNaN();
        run.clock.advanceMillis(WINDOW_MS);
        assertThat(run.g.rate()).as("once per silence of three windows").isEqualTo(200.0);
    }

    @Test
    void aProbeThatKeepsFailingIsABreach() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(20, 1.0);
        for (int i = 0; i < 30; i++) {
            run.clock.advanceMillis(PROBE_MS);
            run.g.onProbing();
            run.g.onProbeFailed();
            assertThat(run.g.rate()).as("after %d failures", i + 1).isEqualTo(400.0);
        }
        run.clock.advanceMillis(1);
        assertThat(run.g.rate()).isEqualTo(200.0);
    }

    @Test
    void aPausedProcessIsNotASilentProbe_AndJudgesAfreshOnceItRunsAgain() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults()).calibratedAt(1.0);
        run.ticks(20, 1.0);
        run.clock.advanceMillis(10_000); // SIGSTOP for ten seconds: no probe was even tried
        assertThat(run.g.rate()).isEqualTo(400.0);
        run.g.onPaused();
        run.ticks(5, 3.0); // half a window of breaching samples is not a judgement yet
        assertThat(run.g.rate()).isEqualTo(400.0);
        assertThat(run.g.state().breaches()).isZero();
        run.ticks(5, 3.0);
        assertThat(run.g.rate()).isEqualTo(200.0);
    }

    @Test
    void cpuPressureAboveItsAllowanceIsABreachAndNearItHolds() {
        GovernorRun run = new GovernorRun(GovernorConfig.ofDefaults());
        run.g.calibrate(Collections.nCopies(20, new ForegroundSample(MS, 0, 0.05)));
        run.ticks(20, 1.0); // no pressure reading: latency alone, slow start
        assertThat(run.g.rate()).isEqualTo(400.0);
        for (int i = 0; i < 10; i++) {
            pressured(run, 0.14); // (0.14 − 0.05) / 0.15 = 60 % of the allowance: hold
        }
        assertThat(run.g.rate()).isEqualTo(400.0);
        assertThat(run.g.state().cpuPressure()).isCloseTo(0.14, offset(1e-9));
        assertThat(run.g.state().pressureBudget()).isCloseTo(0.20, offset(1e-9));
        for (int i = 0; i < 10; i++) {
            pressured(run, 0.40); // the two windows judged average (0.14 + 0.40) / 2 = 0.27 > 0.20
        }
        assertThat(run.g.rate()).isEqualTo(200.0);
        assertThat(run.g.state().breaches()).isEqualTo(1);
    }

    private static void pressured(GovernorRun run, double pressure) {
        run.clock.advanceMillis(PROBE_MS);
        run.g.onCommit((int) Math.round(run.g.rate() * PROBE_MS / 1000.0), 5 * MS, false);
        run.g.onProbing();
        run.g.onForeground(new ForegroundSample(MS, 0, pressure));
    }
}
