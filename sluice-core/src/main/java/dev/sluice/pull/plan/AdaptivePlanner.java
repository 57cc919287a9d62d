package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Work stealing: when a worker is idle, the live segment with the most estimated pages left is split at the
 * estimated item-count midpoint of its remainder; the cursor keeps the top half, the bottom half becomes a new
 * segment.
 *
 * <p>The estimate uses the density a segment has read on average, which lags when a segment enters a dense stretch
 * (a spike, read newest first): its average still reflects the sparse data above. So when no segment passes the
 * guard, a segment whose last page was full is split just below the next {@link #TAIL_CHUNK_PAGES} pages at that
 * page's density: the new part starts inside the dense stretch and reads it in parallel. Its first page tells
 * whether the stretch goes on; if it does, it can be split the same way, so a dense tail fans out in a few round
 * trips instead of being read one page per round trip.
 *
 * <p>Guards, which bound the fan-out on skewed or empty ranges (a split costs at least one request, and an
 * unbounded splitter once spent 152k requests on 10k records): a segment is split only when it is estimated to hold
 * at least {@link #MIN_PAGES_TO_SPLIT} pages and spans at least two seconds, and only while fewer segments are live
 * than requests may be in flight (the runner asks only then). The part split off starts from the lower of its
 * parent's density and its stream's density over all it has read: it lies away from what the parent read, and a
 * parent inside a spike would otherwise hand the spike's density to years of sparse data, which would then be split
 * into near-empty pieces. A segment whose request is in flight is not split where that answer would be cut.
 *
 * <p>Measured trade-off (docs/BENCHMARKS.md): ranking by the stream's density too removed the last wasted requests
 * on spiky data but starved a dense recent month of splits; ranking by the segment's own density keeps both close
 * to the rate-limit bound.
 */
public final class AdaptivePlanner implements SegmentPlanner {
    /** Below this estimate, a split would cost about as many requests as it saves. */
    static final double MIN_PAGES_TO_SPLIT = 2.0;
    /** Pages a dense-tail segment keeps when it hands the rest of its remainder to an idle worker. */
    static final int TAIL_CHUNK_PAGES = 2;

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public List<Segment> afterProbe(Segment probe, Page page, SegmentIds ids) {
        return null;
    }

    @Override
    public Optional<Segment> split(Collection<Segment> segments, ToDoubleFunction<String> streamDensity,
            SegmentIds ids) {
        Segment best = null;
        double bestPages = MIN_PAGES_TO_SPLIT;
        for (Segment s : segments) {
            if (s.done() || s.lt() - s.gte() < 2) {
                continue;
            }
            double pages = s.estimatedPages();
            if (!Double.isNaN(pages) && pages >= bestPages && !cutsAnswerInFlight(s, midpoint(s))) {
                best = s;
                bestPages = pages;
            }
        }
        if (best != null) {
            // With only the local density known, the item-count midpoint is the time midpoint of the remainder.
            return Optional.of(best.splitAt(midpoint(best), ids.next(), inherited(best, streamDensity)));
        }
        return splitDenseTail(segments, streamDensity, ids);
    }

    private static long midpoint(Segment s) {
        return s.gte() + (s.lt() - s.gte()) / 2;
    }

    /**
     * Whether splitting {@code s} at {@code at} would likely cut the answer to its request in flight: that answer
     * reaches about one page below the cursor at the density of the last page, and what falls below {@code at} is
     * dropped and read again.
     */
    private static boolean cutsAnswerInFlight(Segment s, long at) {
        if (!s.inFlight()) {
            return false;
        }
        double d = Double.isNaN(s.recentDensity()) ? s.density() : s.recentDensity();
        if (Double.isNaN(d) || d <= 0) {
            return false;
        }
        return at > s.lt() - Segment.PAGE_SIZE / d;
    }

    /** The densest segment whose last page was full, split below its next pages at that density. */
    private static Optional<Segment> splitDenseTail(Collection<Segment> segments,
            ToDoubleFunction<String> streamDensity, SegmentIds ids) {
        Segment best = null;
        for (Segment s : segments) {
            // Only a segment whose answer is in hand: splitting one in flight would cut its answer on arrival.
            if (s.done() || s.inFlight() || !s.lastPageFull() || s.lt() - s.gte() < 2) {
                continue;
            }
            // The part split off must hold more than the cursor keeps, or splits would only shave off seconds.
            if (s.lt() - s.gte() <= 2 * keptSeconds(s)) {
                continue;
            }
            if (best == null || s.recentDensity() > best.recentDensity()) {
                best = s;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(best.splitAt(best.lt() - keptSeconds(best), ids.next(), inherited(best, streamDensity)));
    }

    /**
     * The density a split-off part starts from: no more than its stream's density over everything read so far. The
     * part lies away from what its parent read, and a parent that read a spike would otherwise pass the spike's
     * density on to years of sparse data, which would then be split into near-empty pieces.
     */
    private static double inherited(Segment parent, ToDoubleFunction<String> streamDensity) {
        double sd = streamDensity.applyAsDouble(parent.stream());
        if (Double.isNaN(sd) || Double.isNaN(parent.density())) {
            return parent.density();
        }
        return Math.min(parent.density(), sd);
    }

    /** Seconds holding {@link #TAIL_CHUNK_PAGES} pages at the segment's last page's density (at least one). */
    private static long keptSeconds(Segment s) {
        return Math.max(1, (long) Math.ceil(TAIL_CHUNK_PAGES * Segment.PAGE_SIZE / s.recentDensity()));
    }

    @Override
    public int maxInFlight(int suggested) {
        return suggested;
    }
}
