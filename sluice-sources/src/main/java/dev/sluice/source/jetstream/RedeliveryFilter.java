package dev.sluice.source.jetstream;

import dev.sluice.replay.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Drops what a reconnection sends again. A new connection resumes from the last delivered {@code time_us}, and
 * Jetstream's cursor is inclusive, so it re-sends the events at that instant and perhaps, from a server whose order
 * differs, older ones. An event from a newer connection than the last delivered one is a redelivery when it is
 * older than the last delivered event, or at the same {@code time_us} and equal to one already delivered there.
 *
 * <p>What must stay true: the reader sees every event once, in order, across any number of reconnections; events of
 * the connection that delivered last are never dropped (a server may send two equal events at one instant).
 *
 * <p>Remembers at most {@value #MAX_REMEMBERED_AT_LAST} events at the last instant; past that, an event redelivered at
 * that instant is passed on again (more events in one microsecond than that do not happen on Jetstream).
 *
 * <p>The reader's own: {@link #redelivered} and {@link #delivered} are called from the reading thread only;
 * {@link #lastUs} may be read from any thread.
 */
final class RedeliveryFilter {
    static final int MAX_REMEMBERED_AT_LAST = 1_024;
    private static final long NONE = Long.MIN_VALUE;

    private volatile long lastUs = NONE;
    private final List<Event> deliveredAtLast = new ArrayList<>();
    private int lastGeneration;

    /** Whether {@code e}, received on connection {@code generation}, is one the reader already has. */
    boolean redelivered(Event e, int generation) {
        if (generation == lastGeneration || lastUs == NONE) {
            return false;
        }
        return e.timeUs() < lastUs || e.timeUs() == lastUs && deliveredAtLast.contains(e);
    }

    /** Notes that {@code e}, received on connection {@code generation}, went to the reader. */
    void delivered(Event e, int generation) {
        if (e.timeUs() != lastUs) {
            deliveredAtLast.clear();
            lastUs = e.timeUs();
        }
        if (deliveredAtLast.size() < MAX_REMEMBERED_AT_LAST) {
            deliveredAtLast.add(e);
        }
        lastGeneration = generation;
    }

    /** Whether connection {@code generation} delivered an event the reader did not have before it. */
    boolean broughtNews(int generation) {
        return lastGeneration == generation;
    }

    /** The {@code time_us} of the last delivered event: where a reconnection resumes. */
    OptionalLong lastUs() {
        long t = lastUs;
        return t == NONE ? OptionalLong.empty() : OptionalLong.of(t);
    }
}
