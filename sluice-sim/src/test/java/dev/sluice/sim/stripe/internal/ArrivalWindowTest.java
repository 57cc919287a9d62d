package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrivalWindowTest {

    static final long S = 1_000_000_000L;

    private static long max(long... nanos) {
        return ArrivalWindow.maxInWindow(nanos, nanos.length, S);
    }

    @Test
    void noArrivalsIsZeroAndOneIsOne() {
        assertThat(max()).isZero();
        assertThat(max(42)).isEqualTo(1);
    }

    @Test
    void theWindowIsHalfOpen() {
        assertThat(max(0, S - 1)).isEqualTo(2);
        assertThat(max(0, S)).isEqualTo(1); // exactly one second apart: never in one [t, t + 1 s)
    }

    @Test
    void findsTheDensestStretchAnywhere() {
        // 3 early, then 5 packed between 10.2 s and 11.1 s, of which 4 fit in one second.
        assertThat(max(0, S / 2, S - 1, 10_200_000_000L, 10_400_000_000L, 10_900_000_000L, 11_100_000_000L,
                11_250_000_000L)).isEqualTo(4);
    }

    @Test
    void orderOfTheInputDoesNotMatter() {
        long[] shuffled = {3 * S, 0, 2 * S + 1, S / 3, 2 * S + 2, S / 2, 2 * S + 3};
        assertThat(ArrivalWindow.maxInWindow(shuffled, shuffled.length, S)).isEqualTo(4);
        assertThat(shuffled[0]).as("input untouched").isEqualTo(3 * S);
    }

    @Test
    void onlyTheFirstNCount() {
        long[] nanos = {0, 1, 2, 3, 4, 5};
        assertThat(ArrivalWindow.maxInWindow(nanos, 3, S)).isEqualTo(3);
    }

    @Test
    void aSteadyRateGivesTheRatePerSecond() {
        long[] nanos = new long[1_000];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = 5_000_000_000L + i * (S / 25); // 25 per second, nanoTime may have any origin
        }
        assertThat(ArrivalWindow.maxInWindow(nanos, nanos.length, S)).isEqualTo(25);
    }

    @Test
    void negativeNanoTimesWork() {
        assertThat(max(-S / 2, -1, S / 4, S)).isEqualTo(3);
    }

    @Test
    void rejectsAWindowOfNoWidth() {
        assertThatThrownBy(() -> ArrivalWindow.maxInWindow(new long[0], 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
