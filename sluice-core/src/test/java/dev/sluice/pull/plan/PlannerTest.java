package dev.sluice.pull.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Page;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final AtomicInteger ids = new AtomicInteger(100);
    private final SegmentPlanner.SegmentIds next = ids::getAndIncrement;

    /** A page of 100 items spread one per {@code step} seconds down from {@code top}. */
    private static Page dense(long top, int step, boolean more) {
        List<SourceRecord> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(new SourceRecord("id" + top + "_" + i, top - (long) i * step, 1, "{}"));
        }
        return new Page(items, more);
    }

    @Test
    void adaptiveSplitsTheSegmentWithTheMostEstimatedPagesAtItsMidpoint() {
        Segment sparse = Segment.probe("a", 0, new TimeRange(0, 100_000));
        sparse.accept(dense(99_999, 100, true)); // 0.01/s over the rest: ~9 pages
        Segment denseSeg = Segment.probe("b", 1, new TimeRange(0, 100_000));
        denseSeg.accept(dense(99_999, 1, true)); // 1/s: ~999 pages
        Segment bottom = new AdaptivePlanner().split(List.of(sparse, denseSeg), next).orElseThrow();
        assertThat(bottom.stream()).isEqualTo("b");
        assertThat(bottom.remainder().range()).isEqualTo(new TimeRange(0, 49_950));
        assertThat(denseSeg.remainder().range()).isEqualTo(new TimeRange(49_950, 99_901));
    }

    @Test
    void adaptiveDoesNotSplitBelowTwoPagesOrOneSecond() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment small = Segment.probe("a", 0, new TimeRange(0, 1000));
        small.accept(dense(999, 5, true)); // 0.2/s over 500 s left: 1 page
        assertThat(planner.split(List.of(small), next)).isEmpty();
        Segment oneSecond = Segment.probe("b", 1, new TimeRange(0, 1000));
        List<SourceRecord> pile = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pile.add(new SourceRecord("p" + (999 - i), 0, 1, "{}"));
        }
        oneSecond.accept(new Page(pile, true)); // however many wait in second 0, one second cannot be split
        assertThat(oneSecond.remainder().range()).isEqualTo(new TimeRange(0, 1));
        assertThat(planner.split(List.of(oneSecond), next)).isEmpty();
    }

    @Test
    void adaptiveNeverSplitsAProbeWhoseDensityIsUnknown() {
        Segment probe = Segment.probe("a", 0, new TimeRange(0, 1_000_000));
        assertThat(new AdaptivePlanner().split(List.of(probe), next)).isEmpty();
    }

    @Test
    void repeatedSplitsOfAnInheritedEstimateStopAfterAFewLevels() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment s = Segment.probe("a", 0, new TimeRange(0, 100_000));
        s.accept(dense(99_999, 10, true)); // 0.1/s: ~99 pages estimated in the rest
        List<Segment> live = new ArrayList<>(List.of(s));
        int splits = 0;
        while (true) {
            var split = planner.split(live, next);
            if (split.isEmpty()) {
                break;
            }
            live.add(split.get());
            splits++;
        }
        // Each split halves an estimate and none below 2 pages is split: ~100 pages end as ~64 segments.
        assertThat(splits).isBetween(40, 70);
        assertThat(live).allSatisfy(seg -> assertThat(seg.estimatedPages()).isGreaterThanOrEqualTo(1.0));
    }

    @Test
    void fixedMakesCeilOfOneOverTimeProgressUniformSegmentsCappedAtFifty() {
        FixedPlanner planner = new FixedPlanner();
        Segment probe = Segment.probe("a", 0, new TimeRange(0, 10_000));
        List<Segment> segs = planner.afterProbe(probe, dense(9_999, 10, true), next); // covered 991 of 10,000 s
        assertThat(segs).hasSize(11);
        assertThat(segs.get(0).remainder().range()).isEqualTo(new TimeRange(0, 909));
        assertThat(segs.get(10).remainder().range()).isEqualTo(new TimeRange(9090, 10_000));
        Segment probe2 = Segment.probe("a", 0, new TimeRange(0, 1_000_000));
        assertThat(planner.afterProbe(probe2, dense(999_999, 1, true), next)).hasSize(50);
        Segment probe3 = Segment.probe("a", 0, new TimeRange(0, 100));
        assertThat(planner.afterProbe(probe3, dense(99, 1, true), next)).isNull(); // one segment: reuse the probe
        assertThat(planner.maxInFlight(3)).isEqualTo(15);
    }

    @Test
    void plannersByName() {
        assertThat(SegmentPlanner.named("adaptive")).isInstanceOf(AdaptivePlanner.class);
        assertThat(SegmentPlanner.named("sequential").split(List.of(), next)).isEmpty();
        assertThatThrownBy(() -> SegmentPlanner.named("smart")).hasMessageContaining("--planner");
    }
}
