package dev.sluice.sync;

import dev.sluice.pull.SourceException;
import dev.sluice.time.TimeRange;

/**
 * A source's log of changes (Stripe: {@code GET /v1/events}), listed newest first like any list and read by the
 * runner a window {@code [from, to)} of seconds at a time, then applied oldest first.
 *
 * <p>A feed may need several listings to cover what a sync follows (Stripe takes at most 20 event types per
 * request): {@link #parts()} of them, each over the same window.
 *
 * <p>Duties of an implementation, as for {@link dev.sluice.pull.ListSource}: one attempt per call, no waiting for a
 * rate limiter, every failure a {@link SourceException} of the right kind; the runner retries and takes tokens.
 * Safe to call from many threads. An event the sync cannot use (an unknown type, one without an object id) is
 * returned as skipped, never as a failure.
 */
public interface ChangeFeed {
    /** Listings that together make the feed; at least one. */
    int parts();

    /**
     * One page of listing {@code part}'s events created in {@code window}, newest first, after the event
     * {@code startingAfter} (null for the first page).
     */
    FeedPage fetch(int part, TimeRange window, String startingAfter) throws SourceException, InterruptedException;
}
