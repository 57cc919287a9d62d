package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.replay.govern.GovernorState.Phase;
import dev.sluice.testing.FakeClock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.offset;

class ForegroundMonitorTest {

    /** A probe the test feeds: each call takes the next sample (or throws the next error), blocking until given. */
    private static final class ScriptedProbe implements ForegroundProbe {
        final BlockingQueue<Object> script = new LinkedBlockingQueue<>();
        final AtomicBoolean closed = new AtomicBoolean();

        ScriptedProbe then(double ms) {
            script.add(ForegroundSample.ofMillis(ms, 0));
            return this;
        }

        ScriptedProbe thenFail(String message) {
            script.add(new SQLException(message));
            return this;
        }

        @Override
        public ForegroundSample sample() throws Exception {
            Object next = script.take();
            if (next instanceof Exception e) {
                throw e;
            }
            return (ForegroundSample) next;
        }

        @Override
        public String describe() {
            return "scripted canary";
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static Governor governor(FakeClock clock) {
        return new Governor(GovernorConfig.builder().calibrationSamples(5).build(), clock);
    }

    @Test
    void calibratesFromIdleSamplesAfterTheWarmUpThenFeedsEverySample() {
        FakeClock clock = new FakeClock();
        Governor governor = governor(clock);
        ScriptedProbe probe = new ScriptedProbe().then(50); // the warm-up pays for connecting and planning
        try (ForegroundMonitor monitor = ForegroundMonitor.start(probe, governor, clock)) {
            assertThat(governor.state().phase()).isEqualTo(Phase.CALIBRATING);
            probe.then(1.0).then(1.0).thenFail("connection reset").then(1.0).then(1.2).then(0.9);
            await().atMost(Duration.ofSeconds(5)).until(monitor::calibrated);
            GovernorState s = governor.state();
            assertThat(s.phase()).isEqualTo(Phase.STARTING);
            assertThat(s.baselineMs()).as("p90 of the five idle samples, not the warm-up").isCloseTo(1.2, offset(1e-9));
            assertThat(governor.rate()).isEqualTo(100.0);
            assertThat(monitor.failures()).isEqualTo(1);
            for (int i = 0; i < 20; i++) { // a window's worth at the 50 ms probe interval: one judgement
                probe.then(1.0);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> monitor.samples() == 25);
            await().atMost(Duration.ofSeconds(5)).until(() -> !Double.isNaN(governor.state().foregroundMs()));
        }
        assertThat(probe.closed).isTrue();
    }

    @Test
    void aProbeThatFailsOnFirstUseFailsTheStartWithItsMessage() {
        FakeClock clock = new FakeClock();
        ScriptedProbe probe = new ScriptedProbe().thenFail("--canary-sql 'SELEC 1' failed: syntax error");
        assertThatThrownBy(() -> ForegroundMonitor.start(probe, governor(clock), clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scripted canary")
                .hasMessageContaining("--canary-sql 'SELEC 1' failed: syntax error");
        assertThat(probe.closed).isTrue();
    }

    @Test
    void aProbeThatNeverRecoversStillCalibratesFromTheWarmUp() {
        FakeClock clock = new FakeClock();
        Governor governor = governor(clock);
        ScriptedProbe probe = new ScriptedProbe().then(2.0);
        for (int i = 0; i < 15; i++) {
            probe.thenFail("gone");
        }
        try (ForegroundMonitor monitor = ForegroundMonitor.start(probe, governor, clock)) {
            await().atMost(Duration.ofSeconds(5)).until(monitor::calibrated);
            assertThat(governor.state().baselineMs()).isCloseTo(2.0, offset(1e-9));
            assertThat(monitor.failures()).isEqualTo(15);
        }
    }

    @Test
    void closingStopsTheThreadWhileItWaitsForTheProbe() {
        FakeClock clock = new FakeClock();
        ScriptedProbe probe = new ScriptedProbe().then(1);
        ForegroundMonitor monitor = ForegroundMonitor.start(probe, governor(clock), clock);
        monitor.close();
        monitor.close();
        assertThat(probe.closed).isTrue();
        assertThat(monitor.calibrated()).isFalse();
    }
}
