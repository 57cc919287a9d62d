package dev.sluice.pull.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.time.TimeRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunRangeTest {
    private static final long NOW = 1_000;

    @Test
    void aFreshRunGoesFromTheAccountsCreationToNowPlusOne() {
        Checkpoint cp = RunRange.start("c", Optional.empty(), false, null, null, () -> 100, NOW);
        assertThat(cp.range()).isEqualTo(new TimeRange(100, 1001));
        assertThat(cp.remaining()).containsExactly(new Remainder(100, 1001, null));
    }

    @Test
    void anUnfinishedRunResumesAsCommitted() {
        Checkpoint saved = new Checkpoint(new TimeRange(100, 900), List.of(new Remainder(100, 500, "x")));
        assertThat(RunRange.start("c", Optional.of(saved), false, null, null, () -> 0, NOW)).isEqualTo(saved);
        assertThatThrownBy(() -> RunRange.start("c", Optional.of(saved), false, 50L, null, () -> 0, NOW))
                .hasMessageContaining("--restart").hasMessageContaining("stream c");
    }

    @Test
    void aFinishedRunIsFollowedByAnIncrementalOneThatReReadsTheLastMinute() {
        Checkpoint saved = new Checkpoint(new TimeRange(100, 900), List.of());
        Checkpoint next = RunRange.start("c", Optional.of(saved), false, null, null, () -> 0, NOW);
        assertThat(next.range()).isEqualTo(new TimeRange(900 - RunRange.INCREMENTAL_OVERLAP_SECONDS, 1001));
        Checkpoint tiny = new Checkpoint(new TimeRange(880, 900), List.of());
        assertThat(RunRange.start("c", Optional.of(tiny), false, null, null, () -> 0, NOW).range().gte()).isEqualTo(880);
    }

    @Test
    void restartIgnoresTheSavedCheckpoint() {
        Checkpoint saved = new Checkpoint(new TimeRange(100, 900), List.of(new Remainder(100, 500, "x")));
        assertThat(RunRange.start("c", Optional.of(saved), true, null, null, () -> 7, NOW).range())
                .isEqualTo(new TimeRange(7, 1001));
    }

    @Test
    void untilBeforeSinceIsAnError() {
        assertThatThrownBy(() -> RunRange.start("c", Optional.empty(), false, 500L, 400L, () -> 0, NOW))
                .hasMessageContaining("--until").hasMessageContaining("--since");
    }
}
