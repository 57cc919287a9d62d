package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Baseline, for measurement only: one cursor over the whole range of each stream, never split. */
public final class SequentialPlanner implements SegmentPlanner {
    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public List<Segment> afterProbe(Segment probe, Page page, SegmentIds ids) {
        return null;
    }

    @Override
    public Optional<Segment> split(Collection<Segment> segments, ToDoubleFunction<String> streamDensity,
            SegmentIds ids) {
        return Optional.empty();
    }

    @Override
    public int maxInFlight(int suggested) {
        // Segments never split, so each stream's single cursor is the only request it can have in flight.
        return Integer.MAX_VALUE;
    }
}
