package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Work stealing: when a worker is idle, the live segment with the most estimated pages left is split at the
 * estimated item-count midpoint of its remainder; the cursor keeps the top half, the bottom half becomes a new
 * segment.
 *
 * <p>Guards, which bound the fan-out on skewed or empty ranges (a split costs at least one request, and an
 * unbounded splitter once spent 152k requests on 10k records): a segment is split only when it is estimated to hold
 * at least {@link #MIN_PAGES_TO_SPLIT} pages and spans at least two seconds, and only while fewer segments are live
 * than requests may be in flight (the runner asks only then). Density is measured from the pages a segment has read
 * and inherited by the part split off, so splitting a split part halves its estimate and the recursion into an empty
 * region stops after a few levels.
 */
public final class AdaptivePlanner implements SegmentPlanner {
    /** Below this estimate, a split would cost about as many requests as it saves. */
    static final double MIN_PAGES_TO_SPLIT = 2.0;

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public List<Segment> afterProbe(Segment probe, Page page, SegmentIds ids) {
        return null;
    }

    @Override
    public Optional<Segment> split(Collection<Segment> segments, SegmentIds ids) {
        Segment best = null;
        double bestPages = MIN_PAGES_TO_SPLIT;
        for (Segment s : segments) {
            if (s.done() || s.lt() - s.gte() < 2) {
                continue;
            }
            double pages = s.estimatedPages();
            if (!Double.isNaN(pages) && pages >= bestPages) {
                best = s;
                bestPages = pages;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        // With only the local density known, the item-count midpoint is the time midpoint of the remainder.
        long at = best.gte() + (best.lt() - best.gte()) / 2;
        return Optional.of(best.splitAt(at, ids.next()));
    }

    @Override
    public int maxInFlight(int suggested) {
        return suggested;
    }
}
