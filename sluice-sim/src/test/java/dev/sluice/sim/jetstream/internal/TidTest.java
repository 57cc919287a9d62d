package dev.sluice.sim.jetstream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** TIDs: 13 base32-sortable characters that compare as strings the way their times compare. */
class TidTest {
    @Test
    void aTidIsThirteenSortableCharactersThatRoundTrip() {
        String tid = Tid.of(1_725_911_162_329_308L, 517);
        assertThat(tid).hasSize(13).matches("[234567a-z]{13}");
        assertThat(Tid.timeUs(tid)).isEqualTo(1_725_911_162_329_308L);
        assertThat(Tid.clockId(tid)).isEqualTo(517);
        assertThat(Tid.of(0, 0)).isEqualTo("2222222222222");
    }

    @Test
    void tidsCompareAsStringsTheWayTheirTimesCompare() {
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < 100_000; k++) {
            long a = 1_600_000_000_000_000L + r.nextLong(400_000_000_000_000L);
            long b = k % 2 == 0 ? a + 1 + r.nextInt(3) : 1_600_000_000_000_000L + r.nextLong(400_000_000_000_000L);
            String ta = Tid.of(a, r.nextInt(1024));
            String tb = Tid.of(b, r.nextInt(1024));
            assertThat(Integer.signum(ta.compareTo(tb))).as("%d vs %d", a, b).isEqualTo(Long.signum(a - b));
        }
    }

    @Test
    void aNegativeTimeIsRefused() {
        assertThatThrownBy(() -> Tid.of(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
