package dev.sluice.pull;

import dev.sluice.time.TimeRange;
import java.util.List;

/**
 * How far one stream of one job has got: the frozen range of the run and what of it is still unread.
 * {@code remaining} empty means the range is done; the next run of the job starts at {@code range.lt()}.
 *
 * <p>A checkpoint is written in the same transaction as the records it covers, so it never runs ahead of the data.
 */
public record Checkpoint(TimeRange range, List<Remainder> remaining) {
    public Checkpoint {
        remaining = List.copyOf(remaining);
    }

    public boolean done() {
        return remaining.isEmpty();
    }
}
