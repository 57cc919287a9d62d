package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Baseline, for measurement only: the design of the public Stripe sync engines (#281). One probe of 100 over the
 * whole range; {@code ceil(1 / timeProgress)} uniform segments capped at {@value #MAX_SEGMENTS}, where
 * {@code timeProgress} is the share of the range the probe page covered; {@value #CONCURRENCY} run at once; the probe
 * page is reused only when there is one segment. Segments never split.
 */
public final class FixedPlanner implements SegmentPlanner {
    static final int MAX_SEGMENTS = 50;
    static final int CONCURRENCY = 15;

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public List<Segment> afterProbe(Segment probe, Page page, SegmentIds ids) {
        if (!page.hasMore() || page.items().isEmpty()) {
            return null;
        }
        long gte = probe.gte();
        long lt = probe.lt();
        double covered = lt - page.last().created();
        double timeProgress = Math.max(covered / (lt - gte), 1e-9);
        int n = (int) Math.max(1, Math.min(MAX_SEGMENTS, Math.ceil(1 / timeProgress)));
        if (n == 1) {
            return null;
        }
        List<Segment> segments = new ArrayList<>(n);
        long span = lt - gte;
        for (int i = 0; i < n; i++) {
            long a = gte + span * i / n;
            long b = gte + span * (i + 1) / n;
            if (b > a) {
                segments.add(Segment.fresh(probe.stream(), ids.next(), new TimeRange(a, b), Double.NaN));
            }
        }
        return segments;
    }

    @Override
    public Optional<Segment> split(Collection<Segment> segments, ToDoubleFunction<String> streamDensity,
            SegmentIds ids) {
        return Optional.empty();
    }

    @Override
    public int maxInFlight(int suggested) {
        return CONCURRENCY;
    }
}
