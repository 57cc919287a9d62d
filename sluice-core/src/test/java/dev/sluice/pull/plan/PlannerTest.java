package dev.sluice.pull.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Page;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final AtomicInteger ids = new AtomicInteger(100);
    private final SegmentPlanner.SegmentIds next = ids::getAndIncrement;
    private static final ToDoubleFunction<String> UNKNOWN = stream -> Double.NaN;

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
        Segment bottom = new AdaptivePlanner().split(List.of(sparse, denseSeg), UNKNOWN, next).orElseThrow();
        assertThat(bottom.stream()).isEqualTo("b");
        assertThat(bottom.remainder().range()).isEqualTo(new TimeRange(0, 49_950));
        assertThat(denseSeg.remainder().range()).isEqualTo(new TimeRange(49_950, 99_901));
    }

    @Test
    void adaptiveDoesNotSplitBelowTwoPagesOrOneSecond() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment small = Segment.probe("a", 0, new TimeRange(0, 1000));
        small.accept(dense(999, 5, true)); // 0.2/s over 500 s left: 1 page
        assertThat(planner.split(List.of(small), UNKNOWN, next)).isEmpty();
        Segment oneSecond = Segment.probe("b", 1, new TimeRange(0, 1000));
        List<SourceRecord> pile = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pile.add(new SourceRecord("p" + (999 - i), 0, 1, "{}"));
        }
        oneSecond.accept(new Page(pile, true)); // however many wait in second 0, one second cannot be split
        assertThat(oneSecond.remainder().range()).isEqualTo(new TimeRange(0, 1));
        assertThat(planner.split(List.of(oneSecond), UNKNOWN, next)).isEmpty();
    }

    @Test
    void adaptiveNeverSplitsAProbeWhoseDensityIsUnknown() {
        Segment probe = Segment.probe("a", 0, new TimeRange(0, 1_000_000));
        assertThat(new AdaptivePlanner().split(List.of(probe), UNKNOWN, next)).isEmpty();
    }

    @Test
    void repeatedSplitsOfAnInheritedEstimateStopAfterAFewLevels() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment s = Segment.probe("a", 0, new TimeRange(0, 100_000));
        s.accept(dense(99_999, 10, true)); // 0.1/s: ~99 pages estimated in the rest
        List<Segment> live = new ArrayList<>(List.of(s));
        int splits = 0;
        while (true) {
            var split = planner.split(live, UNKNOWN, next);
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
    void aSegmentEnteringASpikeHandsItsDenseTailToAnIdleWorker() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment s = Segment.probe("a", 0, new TimeRange(31_350_000, 31_536_000));
        s.accept(dense(31_535_999, 1000, true)); // sparse data above the spike: one object every 1000 s
        s.accept(dense(31_436_999, 1, true)); // then a full page of the spike: one a second
        // On average too sparse to pass the guard (~1.75 pages left), so the midpoint rule does not fire...
        assertThat(s.estimatedPages()).isLessThan(2.0);
        ToDoubleFunction<String> sparseStream = stream -> 0.000_001; // what the stream has shown overall
        Segment bottom = planner.split(List.of(s), sparseStream, next).orElseThrow();
        // ...but the full dense page does: split just below the next two pages at the spike's density.
        assertThat(s.remainder().range()).isEqualTo(new TimeRange(31_436_701, 31_436_901));
        assertThat(bottom.remainder().range()).isEqualTo(new TimeRange(31_350_000, 31_436_701));
        // The part split off starts from the stream's density, not the spike's: no cascade of sparse splits.
        assertThat(bottom.density()).isEqualTo(0.000_001);
        assertThat(planner.split(List.of(s, bottom), sparseStream, next)).isEmpty();
    }

    @Test
    void aSegmentWhoseRequestIsInFlightIsNotSplitWhereTheAnswerWouldBeCut() {
        AdaptivePlanner planner = new AdaptivePlanner();
        Segment s = Segment.probe("a", 0, new TimeRange(3_500, 5_000));
        s.accept(dense(4_999, 1, true)); // a dense page: 1 a second
        List<SourceRecord> sparse = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sparse.add(new SourceRecord("s" + i, 4_899 - 5L * i, 1, "{}"));
        }
        s.accept(new Page(sparse, true)); // then a sparse one: 0.2 a second, so the next answer reaches ~500 s down
        assertThat(s.remainder().range()).isEqualTo(new TimeRange(3_500, 4_405));
        s.inFlight(true);
        // On average dense enough for ~3 pages, but the midpoint 3952 lies within the answer's reach (> 3909).
        assertThat(planner.split(List.of(s), UNKNOWN, next)).isEmpty();
        s.inFlight(false);
        assertThat(planner.split(List.of(s), UNKNOWN, next)).isPresent();
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
        assertThat(SegmentPlanner.named("sequential").split(List.of(), UNKNOWN, next)).isEmpty();
        assertThatThrownBy(() -> SegmentPlanner.named("smart")).hasMessageContaining("--planner");
    }
}
