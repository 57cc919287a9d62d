package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.time.TimeRange;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where a stream's run starts: a resume of an unfinished run, the next incremental run after a finished one, or a
 * fresh run over {@code [since, until)}. The upper bound is frozen when the run starts ({@code now + 1} unless
 * given), so objects created during the run belong to the next one.
 */
public final class RunRange {
    /**
     * An incremental run re-reads this many seconds before the previous run's end. NOTE: a run freezes
     * {@code lt = now + 1}, so an object created in that last second after the run read it, or whose
     * {@code created} lags because of clock skew or a list that shows new objects late, falls inside the finished
     * range; without the overlap no later run would fetch it. Re-reading costs about one page, and upserts keep
     * the table free of doubles.
     */
    public static final long INCREMENTAL_OVERLAP_SECONDS = 60;

    private RunRange() {
    }

    /**
     * @param saved        the stream's committed checkpoint, if any
     * @param restart      ignore {@code saved} and start over
     * @param since        {@code --since}, or null for the saved end (less the overlap) or the account's creation
     * @param until        {@code --until}, or null for {@code nowSecond + 1}
     * @param accountStart called only when the start is not otherwise known
     */
    public static Checkpoint start(String stream, Optional<Checkpoint> saved, boolean restart, Long since, Long until,
            LongSupplier accountStart, long nowSecond) {
        long lt = until != null ? until : nowSecond + 1;
        if (saved.isPresent() && !restart) {
            Checkpoint cp = saved.get();
            if (!cp.done()) {
                boolean sameBounds = (since == null || since == cp.range().gte())
                        && (until == null || until == cp.range().lt());
                if (!sameBounds) {
                    throw new IllegalArgumentException("stream " + stream + " has an unfinished run over "
                            + cp.range() + "; run again without --since/--until to resume it, or add --restart");
                }
                return cp;
            }
            long gte = since != null ? since : Math.max(cp.range().gte(), cp.range().lt() - INCREMENTAL_OVERLAP_SECONDS);
            return fresh(gte, Math.max(gte, lt));
        }
        long gte = since != null ? since : accountStart.getAsLong();
        if (lt < gte) {
            throw new IllegalArgumentException("--until (" + lt + ") is before --since (" + gte + ")");
        }
        return fresh(gte, lt);
    }

    private static Checkpoint fresh(long gte, long lt) {
        TimeRange range = new TimeRange(gte, lt);
        return new Checkpoint(range, range.isEmpty() ? List.of() : List.of(new Remainder(gte, lt, null)));
    }
}
