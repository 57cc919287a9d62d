package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.sluice.cli.bench.PairedWindows.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures of paired windows: each pair's running ÷ paused p99, their median, and the paused windows' spread. */
class PairedWindowsTest {
    private static Window running(double p99, long events, double cpu) {
        return new Window(true, 1, p99, 2_000, events, 10, cpu, cpu / 2);
    }

    private static Window paused(double p99) {
        return new Window(false, 1, p99, 2_000, 0, 10, 0, 0);
    }

    @Test
    void theMedianPairedRatioIgnoresOneSpoiledWindowAndTheSpreadComparesPausedWindowsInARow() {
        PairedWindows.Result r = new PairedWindows.Result(List.of(
                running(6, 100_000, 0.5), paused(5),     // 1.2
                running(60, 90_000, 0.5), paused(4),     // 15: a hiccup that is not the replay's
                running(4.4, 110_000, 0.5), paused(4),   // 1.1
                running(5.5, 100_000, 0.5), paused(5),   // 1.1
                running(6.5, 100_000, 0.5), paused(5)),  // 1.3
                true);
        assertThat(r.p99RatioMedian()).isCloseTo(1.2, offset(1e-9));
        // paused: 5, 4, 4, 5, 5 → spreads 1.25, 1, 1.25, 1 → median (1 + 1.25) / 2
        assertThat(r.idleSpread()).isCloseTo(1.125, offset(1e-9));
        assertThat(r.eventsPerRunningSecond()).isCloseTo(10_000, offset(1e-9));
        assertThat(r.runningEvents()).isEqualTo(500_000);
        assertThat(r.ownCores()).isCloseTo(0.05, offset(1e-9));
        assertThat(r.backendCores()).isCloseTo(0.025, offset(1e-9));
    }

    @Test
    void withoutPairsThereIsNoRatio() {
        PairedWindows.Result r = new PairedWindows.Result(List.of(running(6, 1, 0.1)), false);
        assertThat(r.p99RatioMedian()).isNaN();
        assertThat(r.idleSpread()).isNaN();
        assertThat(PairedWindows.median(3.0, 1.0, 2.0, 10.0)).isEqualTo(2.5);
    }
}
