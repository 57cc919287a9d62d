package dev.sluice.sync.rule;

import dev.sluice.sync.SyncState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a sync run does next, from the job's committed state alone; it reads no clock.
 *
 * <ul>
 * <li>No state: the job was never synced (its tables may hold an older backfill's snapshot): a fresh backfill.</li>
 * <li>A backfill under way: resume it.</li>
 * <li>A cursor older than the feed's retention less a {@link #margin margin}: the events in between are gone, so
 * a fresh backfill (or fail, if the user said so).</li>
 * <li>Streams asked for that the cursor does not cover: a backfill of those, then follow all from the cursor.</li>
 * <li>Otherwise: read events from the cursor.</li>
 * </ul>
 */
public final class StartRule {
    /** What to do. */
    public enum Kind {
        BACKFILL_FIRST, BACKFILL_RESUME, BACKFILL_EXPIRED, BACKFILL_ADDED, EVENTS
    }

    /**
     * @param kind      what to do
     * @param streams   the streams to backfill (none for {@link Kind#EVENTS})
     * @param cursorAge seconds between the cursor and now, or 0 without a cursor
     */
    public record Step(Kind kind, List<String> streams, long cursorAge) {
        public Step {
            streams = List.copyOf(streams);
        }

        public boolean backfills() {
            return kind != Kind.EVENTS;
        }
    }

    private StartRule() {
    }

    /**
     * How long before the feed's retention runs out a cursor is treated as expired: a tenth of the retention, at
     * most an hour, so a run that starts just inside the retention still finds its first events.
     */
    public static long margin(Duration retention) {
        return Math.min(3600, retention.toSeconds() / 10);
    }

    /**
     * @param state     the job's committed state, if any
     * @param streams   the streams the run is asked to sync
     * @param nowSecond the current second
     * @param retention how long the feed keeps events
     */
    public static Step next(Optional<SyncState> state, List<String> streams, long nowSecond, Duration retention) {
        if (state.isEmpty()) {
            return new Step(Kind.BACKFILL_FIRST, streams, 0);
        }
        SyncState s = state.get();
        long age = Math.max(0, nowSecond - s.cursor());
        if (s.phase() == SyncState.Phase.BACKFILL) {
            return new Step(Kind.BACKFILL_RESUME, s.backfilling(), age);
        }
        if (age > retention.toSeconds() - margin(retention)) {
            return new Step(Kind.BACKFILL_EXPIRED, streams, age);
        }
        List<String> added = new ArrayList<>();
        for (String stream : streams) {
            if (!s.streams().contains(stream)) {
                added.add(stream);
            }
        }
        if (!added.isEmpty()) {
            return new Step(Kind.BACKFILL_ADDED, added, age);
        }
        return new Step(Kind.EVENTS, List.of(), age);
    }
}
