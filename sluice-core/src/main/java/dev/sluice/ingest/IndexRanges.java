package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A set of non-negative item indexes, kept as sorted, disjoint, non-adjacent half-open ranges {@code [from, to)}.
 *
 * <p>Adjacent and overlapping ranges are merged on every add, so indexes that arrive mostly in order cost one range
 * however many there are: a million in-order adds hold a single entry. Every operation is {@code O(log r)} in the
 * number of ranges {@code r}, plus the ranges an add swallows.
 *
 * <p>{@link #missing(long)} is what a client must resend; {@link #toString()} prints inclusive spans, like
 * {@code 0-4,7,9-12}. Not thread-safe.
 */
public final class IndexRanges {
    /** A half-open range {@code [from, to)} of indexes; prints as inclusive {@code from-(to-1)}, or one number. */
    public record Range(long from, long to) {
        public Range {
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("range needs 0 <= from < to, was [" + from + ", " + to + ")");
            }
        }

        public long size() {
            return to - from;
        }

        @Override
        public String toString() {
            return to - from == 1 ? Long.toString(from) : from + "-" + (to - 1);
        }
    }

    private final NavigableMap<Long, Long> ranges = new TreeMap<>();
    private long count;

    /** Adds one index; returns whether it was new. */
    public boolean add(long index) {
        if (index == Long.MAX_VALUE) {
            throw new IllegalArgumentException("index must be < " + Long.MAX_VALUE + ", was " + index);
        }
        long before = count;
        addRange(index, index + 1);
        return count != before;
    }

    /** Adds every index in {@code [from, to)}; an empty range ({@code to <= from}) adds nothing. */
    public void addRange(long from, long to) {
        if (from < 0) {
            throw new IllegalArgumentException("indexes must be >= 0, was " + from);
        }
        if (to <= from) {
            return;
        }
        Map.Entry<Long, Long> below = ranges.floorEntry(from);
        if (below != null && below.getValue() >= from) {
            if (below.getValue() >= to) {
                return;
            }
            from = below.getKey();
            to = Math.max(to, below.getValue());
            count -= below.getValue() - below.getKey();
        }
        // Swallow every range that starts inside [from, to] (touching ranges merge too).
        for (Map.Entry<Long, Long> next = ranges.higherEntry(from); next != null && next.getKey() <= to;
                next = ranges.higherEntry(from)) {
            to = Math.max(to, next.getValue());
            count -= next.getValue() - next.getKey();
            ranges.remove(next.getKey());
        }
        ranges.put(from, to);
        count += to - from;
    }

    public boolean contains(long index) {
        Map.Entry<Long, Long> below = ranges.floorEntry(index);
        return below != null && index < below.getValue();
    }

    /** How many distinct indexes the set holds. */
    public long count() {
        return count;
    }

    /** Whether every index in {@code [0, expectedCount)} is present. */
    public boolean containsAll(long expectedCount) {
        return missing(expectedCount, 1).isEmpty();
    }

    /** The ranges in order. */
    public List<Range> ranges() {
        List<Range> out = new ArrayList<>(ranges.size());
        ranges.forEach((from, to) -> out.add(new Range(from, to)));
        return out;
    }

    /** The gaps in {@code [0, expectedCount)}, in order: what a client must still send. */
    public List<Range> missing(long expectedCount) {
        return missing(expectedCount, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} gaps in {@code [0, expectedCount)}. A status response should cap what it reports: a
     * batch that received every other index has {@code expectedCount / 2} gaps.
     */
    public List<Range> missing(long expectedCount, int limit) {
        if (expectedCount < 0) {
            throw new IllegalArgumentException("expectedCount must be >= 0, was " + expectedCount);
        }
        List<Range> out = new ArrayList<>();
        long next = 0;
        for (Map.Entry<Long, Long> range : ranges.headMap(expectedCount, false).entrySet()) {
            if (out.size() >= limit) {
                return out;
            }
            if (range.getKey() > next) {
                out.add(new Range(next, range.getKey()));
            }
            next = range.getValue();
        }
        if (next < expectedCount && out.size() < limit) {
            out.add(new Range(next, expectedCount));
        }
        return out;
    }

    /** Inclusive spans joined by commas, like {@code 0-4,7,9-12}; empty for an empty set. */
    @Override
    public String toString() {
        return format(ranges());
    }

    /** Formats ranges as {@link #toString()} does, e.g. the result of {@link #missing(long)}. */
    public static String format(List<Range> ranges) {
        StringBuilder out = new StringBuilder();
        for (Range range : ranges) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(range);
        }
        return out.toString();
    }
}
