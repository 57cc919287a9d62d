package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.List;

/**
 * A part of a stream's range that one cursor reads, newest first: the objects in {@code [gte, lt)} after
 * {@code cursor}. It knows how dense the data it has read was, which is what the planner splits on.
 *
 * <p>What must stay true: the remainders of a stream's live segments never overlap and together hold exactly the
 * objects not yet committed. A split gives the bottom of the range to a new segment and keeps the top, where the
 * cursor is, so a second with unread objects stays with the cursor. At most one request per segment is in flight;
 * when a split shrinks a segment while its request is out, the answer is cut to the new range on arrival.
 *
 * <p>Not thread-safe: the runner's coordinator thread owns every segment.
 */
public final class Segment {
    /** Objects per page the engine asks for. */
    public static final int PAGE_SIZE = 100;

    private final String stream;
    private final int id;
    private long gte;
    private long lt;
    private String cursor;
    private final boolean probe;
    private double density;
    private double recentDensity = Double.NaN;
    private boolean lastPageFull;
    private long itemsRead;
    private long secondsRead;
    private boolean inFlight;
    private boolean done;

    Segment(String stream, int id, long gte, long lt, String cursor, boolean probe, double density) {
        this.stream = stream;
        this.id = id;
        this.gte = gte;
        this.lt = lt;
        this.cursor = cursor;
        this.probe = probe;
        this.density = density;
        this.done = lt <= gte;
    }

    /** The first segment of a fresh range: its first page is the stream's probe. */
    public static Segment probe(String stream, int id, TimeRange range) {
        return new Segment(stream, id, range.gte(), range.lt(), null, true, Double.NaN);
    }

    /** A segment resumed from a committed checkpoint. */
    public static Segment resumed(String stream, int id, Remainder r) {
        return new Segment(stream, id, r.gte(), r.lt(), r.cursor(), false, Double.NaN);
    }

    /** A fresh segment over {@code range} with no cursor. */
    public static Segment fresh(String stream, int id, TimeRange range, double density) {
        return new Segment(stream, id, range.gte(), range.lt(), null, false, density);
    }

    public PageRequest nextRequest() {
        return new PageRequest(stream, new TimeRange(gte, lt), cursor, PAGE_SIZE);
    }

    /**
     * Takes in the answer to this segment's request and returns the objects that are new to it: those inside its
     * range now (a split may have cut it since the request left). The segment is done when the answer ends or
     * reaches below its range.
     */
    public List<SourceRecord> accept(Page page) {
        List<SourceRecord> kept = new ArrayList<>(page.items().size());
        boolean reachedBelow = false;
        for (SourceRecord r : page.items()) {
            if (r.created() < gte) {
                reachedBelow = true;
                break;
            }
            kept.add(r);
        }
        if (!kept.isEmpty()) {
            SourceRecord last = kept.get(kept.size() - 1);
            recentDensity = kept.size() / (double) Math.max(1, lt - last.created());
            lastPageFull = kept.size() == PAGE_SIZE && page.hasMore();
            long newLt = last.created() + 1;
            secondsRead += Math.max(0, lt - newLt);
            itemsRead += kept.size();
            lt = newLt;
            cursor = last.id();
        }
        if (kept.isEmpty() || reachedBelow || !page.hasMore()) {
            done = true;
        } else {
            density = itemsRead / (double) (secondsRead + 1);
        }
        return kept;
    }

    /**
     * Splits off the bottom part of the remainder, {@code [gte, at)}, as a new segment; this one keeps
     * {@code [at, lt)} and its cursor. Requires {@code gte < at < lt}. The new part, far from what was read,
     * inherits the long-run density, not the last page's.
     */
    public Segment splitAt(long at, int newId) {
        return splitAt(at, newId, density);
    }

    /** As {@link #splitAt(long, int)}, the new part starting from {@code bottomDensity} (or NaN). */
    public Segment splitAt(long at, int newId, double bottomDensity) {
        if (at <= gte || at >= lt) {
            throw new IllegalArgumentException("split point " + at + " outside (" + gte + ", " + lt + ")");
        }
        Segment bottom = new Segment(stream, newId, gte, at, null, false, bottomDensity);
        gte = at;
        return bottom;
    }

    /** Estimated objects still unread, from the density read so far (or inherited); NaN when nothing is known. */
    public double estimatedRemaining() {
        return density * (lt - gte);
    }

    /**
     * Objects per second in the last page read, or NaN. Items come newest first, so a segment entering a dense
     * stretch (a spike) shows it here long before its average over everything read catches up.
     */
    public double recentDensity() {
        return recentDensity;
    }

    /** Whether the last page read was full and more follow: the segment is inside data at least that dense. */
    public boolean lastPageFull() {
        return lastPageFull && !done;
    }

    public double estimatedPages() {
        return estimatedRemaining() / PAGE_SIZE;
    }

    public Remainder remainder() {
        return new Remainder(gte, lt, cursor);
    }

    public String stream() {
        return stream;
    }

    public int id() {
        return id;
    }

    public long gte() {
        return gte;
    }

    public long lt() {
        return lt;
    }

    public String cursor() {
        return cursor;
    }

    public boolean isProbe() {
        return probe && itemsRead == 0 && cursor == null;
    }

    public double density() {
        return density;
    }

    /** Objects read by this segment so far. */
    public long itemsRead() {
        return itemsRead;
    }

    /** Seconds this segment has read through (its top down to its cursor). */
    public long secondsRead() {
        return secondsRead + (itemsRead > 0 ? 1 : 0);
    }

    public boolean inFlight() {
        return inFlight;
    }

    public void inFlight(boolean value) {
        this.inFlight = value;
    }

    public boolean done() {
        return done;
    }

    /** Ends the segment without reading further (its stream failed, or a planner replaced it). */
    public void abandon() {
        done = true;
    }

    @Override
    public String toString() {
        return stream + "#" + id + "[" + gte + ", " + lt + ")" + (cursor == null ? "" : "@" + cursor)
                + (done ? " done" : "") + (inFlight ? " in-flight" : "");
    }
}
