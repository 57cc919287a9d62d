package dev.sluice.pull;

import dev.sluice.time.TimeRange;

/**
 * The unread part of one segment: the objects with {@code created} in {@code [gte, lt)} that come after
 * {@code cursor} in list order. When {@code cursor} is set, it is the id of the last object read and that object's
 * {@code created} is {@code lt - 1}: a range split inside a second keeps that second with the cursor.
 */
public record Remainder(long gte, long lt, String cursor) {
    public Remainder {
        if (lt <= gte) {
            throw new IllegalArgumentException("remainder [" + gte + ", " + lt + ") is empty");
        }
    }

    public TimeRange range() {
        return new TimeRange(gte, lt);
    }
}
