package dev.sluice.sync;

import java.util.List;

/** A page of a {@link ChangeFeed}: its events newest first, and whether more follow in the same window. */
public record FeedPage(List<FeedEvent> events, boolean hasMore) {
    public FeedPage {
        events = List.copyOf(events);
    }

    /** The id to page on after this page, or null when it is empty. */
    public String lastId() {
        return events.isEmpty() ? null : events.get(events.size() - 1).id();
    }
}
