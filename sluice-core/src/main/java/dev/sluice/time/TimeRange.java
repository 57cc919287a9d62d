package dev.sluice.time;

/**
 * A half-open range of epoch seconds, {@code [gte, lt)}. Every range in Sluice is half-open, so two ranges that
 * share a bound never share a second.
 */
public record TimeRange(long gte, long lt) {
    public TimeRange {
        if (lt < gte) {
            throw new IllegalArgumentException("range [" + gte + ", " + lt + ") ends before it starts");
        }
    }

    /** Number of whole seconds in the range. */
    public long seconds() {
        return lt - gte;
    }

    public boolean isEmpty() {
        return lt == gte;
    }

    public boolean contains(long epochSecond) {
        return epochSecond >= gte && epochSecond < lt;
    }

    @Override
    public String toString() {
        return "[" + gte + ", " + lt + ")";
    }
}
