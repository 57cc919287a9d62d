package dev.sluice.pull;

import dev.sluice.time.TimeRange;
import java.util.Objects;

/**
 * One request for a page of a stream: the objects with {@code created} in {@code range}, newest first, starting
 * after the object {@code startingAfter} (null for the first page), at most {@code limit} of them.
 */
public record PageRequest(String stream, TimeRange range, String startingAfter, int limit) {
    public PageRequest {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(range, "range");
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be in 1..100, was " + limit);
        }
    }

    @Override
    public String toString() {
        return stream + " " + range + (startingAfter == null ? "" : " after " + startingAfter);
    }
}
