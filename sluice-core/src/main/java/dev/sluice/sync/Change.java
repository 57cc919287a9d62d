package dev.sluice.sync;

import java.util.Objects;

/**
 * One state of one object on its way to the sink: a copy fetched from the source (a list page or a retrieve), or
 * the payload of a source event.
 *
 * <p>Every change carries a {@code version} on one scale, in milliseconds, so that list pages, polled events,
 * pushed events and re-reads compare: a fetched copy's version is the time it was received; an event's is its
 * {@code second × 1000} plus its type's {@link Rank#offset()}, because the source stamps events to the second only.
 * The scale is compared by {@link dev.sluice.sync.rule.VersionRule}, which knows where a second's ties lie.
 *
 * @param stream  the table's stream ({@code customers})
 * @param id      the object's id, unique in its stream
 * @param created the object's creation second, or {@link #UNKNOWN_CREATED} when the payload does not say (a
 *                deletion stub); the sink then keeps the stored one
 * @param version where this state lies on the common scale
 * @param json    the object as JSON; null for a deletion that carries no data beyond the id
 * @param kind    whether the object exists in this state
 * @param event   the event this change came from, or null for a fetched copy
 */
public record Change(String stream, String id, long created, long version, String json, Kind kind, Event event) {
    public static final long UNKNOWN_CREATED = -1;

    /** Whether the object exists after this change. */
    public enum Kind {
        UPSERT, DELETE
    }

    /**
     * An event type's place among the events of one object in one second: a creation comes first, a deletion last.
     * Its offset places the event within its second on the version scale.
     */
    public enum Rank {
        CREATED(0), UPDATED(500), DELETED(999);

        private final int offset;

        Rank(int offset) {
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /**
     * The source event a change came from.
     *
     * @param id     the event's id, for deduplication ({@code evt_…})
     * @param second the event's {@code created}, in epoch seconds
     * @param rank   its type's place within the second
     * @param type   the source's type name ({@code customer.updated}), for messages and counts
     */
    public record Event(String id, long second, Rank rank, String type) {
        public Event {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(rank, "rank");
            Objects.requireNonNull(type, "type");
        }
    }

    public Change {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.UPSERT && json == null) {
            throw new IllegalArgumentException("an upsert of " + stream + "/" + id + " needs its JSON");
        }
        if (event != null && version != versionOf(event.second(), event.rank())) {
            throw new IllegalArgumentException("an event's version is its second × 1000 + its rank's offset");
        }
    }

    /** A copy of the object as the source answered it, received at {@code receivedMillis}. */
    public static Change copy(String stream, String id, long created, long receivedMillis, String json) {
        return new Change(stream, id, created, receivedMillis, json, Kind.UPSERT, null);
    }

    /** The source answered, at {@code receivedMillis}, that the object no longer exists. */
    public static Change gone(String stream, String id, long receivedMillis) {
        return new Change(stream, id, UNKNOWN_CREATED, receivedMillis, null, Kind.DELETE, null);
    }

    /** The state an event carries. */
    public static Change ofEvent(String stream, String id, long created, String json, Kind kind, Event event) {
        return new Change(stream, id, created, versionOf(event.second(), event.rank()), json, kind, event);
    }

    /** The version of an event of {@code rank} in {@code second}. */
    public static long versionOf(long second, Rank rank) {
        return second * 1000 + rank.offset();
    }

    /** The same state with other JSON (a nested list completed). */
    public Change withJson(String other) {
        return new Change(stream, id, created, version, other, kind, event);
    }

    public boolean isDeletion() {
        return kind == Kind.DELETE;
    }

    /** {@code stream/id}: the object's key across streams. */
    public String key() {
        return stream + "/" + id;
    }

    @Override
    public String toString() {
        return (event == null ? "copy" : event.type() + " " + event.id()) + " of " + key() + " v" + version;
    }
}
