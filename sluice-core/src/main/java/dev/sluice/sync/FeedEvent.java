package dev.sluice.sync;

import java.util.Objects;

/**
 * One event read from a {@link ChangeFeed}: the change it carries, or, for an event the sync does not use, why it
 * was skipped.
 *
 * @param id      the event's id ({@code evt_…})
 * @param second  its creation second
 * @param type    its type name, for counts
 * @param change  the object's state it carries, or null when skipped
 * @param skipped why it carries none ({@code unknown type}, {@code no object id}), or null
 */
public record FeedEvent(String id, long second, String type, Change change, String skipped) {
    public FeedEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if ((change == null) == (skipped == null)) {
            throw new IllegalArgumentException("an event carries a change or a reason to skip it, not both");
        }
    }

    public static FeedEvent of(Change change) {
        return new FeedEvent(change.event().id(), change.event().second(), change.event().type(), change, null);
    }

    public static FeedEvent skipped(String id, long second, String type, String why) {
        return new FeedEvent(id, second, type, null, why);
    }
}
