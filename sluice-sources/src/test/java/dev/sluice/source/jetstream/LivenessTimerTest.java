package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.source.jetstream.LivenessTimer.Verdict;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a quiet connection is pinged and when it is given up, on a fake clock, to the nanosecond. */
class LivenessTimerTest {
    private static final Duration QUIET = Duration.ofSeconds(10);
    private final FakeClock clock = new FakeClock();
    private final LivenessTimer timer = new LivenessTimer(QUIET, clock.nanoTime());

    @Test
    void aConnectionQuietForTheWholePeriodIsPingedOnceThenGivenUpAfterAsLongAgain() {
        clock.advanceNanos(QUIET.toNanos() - 1);
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.WAIT);
        clock.advanceNanos(1);
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.PING);
        assertThat(timer.check(clock.nanoTime())).as("one ping per quiet period").isEqualTo(Verdict.WAIT);
        clock.advanceNanos(QUIET.toNanos() - 1);
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.WAIT);
        clock.advanceNanos(1);
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.DEAD);
        assertThat(timer.quietFor(clock.nanoTime())).isEqualTo(QUIET.multipliedBy(2));
    }

    @Test
    void anyFrameStartsTheQuietOverEvenAfterAPing() {
        clock.advanceMillis(QUIET.toMillis());
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.PING);
        clock.advanceMillis(QUIET.toMillis() - 1);
        timer.heard(clock.nanoTime()); // the pong
        clock.advanceMillis(QUIET.toMillis() - 1);
        assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.WAIT);
        clock.advanceMillis(1);
        assertThat(timer.check(clock.nanoTime())).as("quiet again: a new ping, not a verdict").isEqualTo(Verdict.PING);
    }

    @Test
    void aBusyConnectionIsNeverPinged() {
        for (int i = 0; i < 1_000; i++) {
            clock.advanceMillis(QUIET.toMillis() / 2);
            assertThat(timer.check(clock.nanoTime())).isEqualTo(Verdict.WAIT);
            timer.heard(clock.nanoTime());
        }
    }

    @Test
    void theQuietPeriodMustBePositive() {
        assertThatThrownBy(() -> new LivenessTimer(Duration.ZERO, 0)).hasMessageStartingWith("--quiet-ping");
    }
}
