package dev.sluice.sync.run;

import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.Requests;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.FeedPage;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every event of a window from each part of a {@link ChangeFeed} (newest first, page after page, each page
 * through the retry loop), drops repeats by id, and hands them back oldest first: by second, then by type rank (a
 * creation before an update before a deletion), then in the reverse of listing order.
 *
 * <p>What must stay true: at most {@code cap} events (plus one page) are held; a window holding more is given up
 * (its events dropped) and reported as an overflow with where the listing had got to, so the caller can read a
 * narrower one.
 */
final class WindowReader {
    /**
     * @param events     the window's events oldest first, or empty after an overflow
     * @param read       events listed (with repeats), for the caller's density estimate
     * @param overflowAt after an overflow, the second of the last event listed; -1 when the window was read whole
     */
    record Window(List<FeedEvent> events, long read, long overflowAt) {
        boolean overflowed() {
            return overflowAt >= 0;
        }
    }

    private static final Comparator<FeedEvent> OLDEST_FIRST = Comparator.comparingLong(FeedEvent::second)
            .thenComparingInt(WindowReader::rank);

    private final ChangeFeed feed;
    private final Requests requests;
    private final SyncStats stats;

    WindowReader(ChangeFeed feed, Requests requests, SyncStats stats) {
        this.feed = feed;
        this.requests = requests;
        this.stats = stats;
    }

    /** Reads {@code window}; {@code cap} bounds the events held (use {@link Integer#MAX_VALUE} for none). */
    Window read(TimeRange window, int cap) throws FetchFailure, InterruptedException {
        Map<String, FeedEvent> byId = new LinkedHashMap<>();
        long read = 0;
        for (int part = 0; part < feed.parts(); part++) {
            String after = null;
            while (true) {
                int p = part;
                String a = after;
                FeedPage page = requests.send(describe(part, window, after), () -> feed.fetch(p, window, a));
                read += page.events().size();
                stats.eventsRead.add(page.events().size());
                for (FeedEvent e : page.events()) {
                    byId.putIfAbsent(e.id(), e);
                }
                if (byId.size() > cap) {
                    return new Window(List.of(), read, page.events().get(page.events().size() - 1).second());
                }
                if (!page.hasMore() || page.events().isEmpty()) {
                    break;
                }
                after = page.lastId();
            }
        }
        List<FeedEvent> events = new ArrayList<>(byId.values());
        Collections.reverse(events);
        events.sort(OLDEST_FIRST);
        return new Window(events, read, -1);
    }

    private static int rank(FeedEvent e) {
        return e.change() == null ? 0 : e.change().event().rank().offset();
    }

    private String describe(int part, TimeRange window, String after) {
        return "events " + window + (feed.parts() > 1 ? " (part " + (part + 1) + " of " + feed.parts() + ")" : "")
                + ", cursor " + (after == null ? "(start)" : after);
    }
}
