package dev.sluice.testing;

import dev.sluice.pull.SourceException;
import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Event;
import dev.sluice.sync.Change.Kind;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.FeedPage;
import dev.sluice.sync.ObjectReader;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A source whose objects change while a sync reads it, on a {@link FakeClock}: creations, updates and deletions
 * stamped to the second (several per object per second when asked), an event log listed newest first in pages,
 * each event visible only some time after it happened (the feed is eventually consistent), and retrieve by id.
 * One feed part per stream, so paging across parts is exercised. For engine tests; not thread-safe beyond the
 * synchronisation of its methods.
 */
public final class ChangingWorld implements ChangeFeed, ObjectReader {
    /** A live object: its creation second and its current version counter. */
    private record Obj(String stream, String id, long created, int n) {
        String json() {
            return "{\"id\":\"" + id + "\",\"created\":" + created + ",\"n\":" + n + "}";
        }
    }

    private record Logged(FeedEvent event, long visibleAtMillis, int seq) {
    }

    private final FakeClock clock;
    private final List<String> streams;
    private final SplittableRandom random;
    private final int pageSize;
    private final long maxVisibilityDelayMillis;
    private final Map<String, Obj> live = new LinkedHashMap<>();
    private final Set<String> deleted = new TreeSet<>();
    private final List<Logged> log = new ArrayList<>();
    private final Map<String, Integer> feedRequests = new HashMap<>();
    private final List<Long> firstPartFetches = new ArrayList<>();
    private long fetchMillis;
    private int nextId;
    private int seq;

    /**
     * @param maxVisibilityDelayMillis each event is listed after a random delay up to this
     */
    public ChangingWorld(FakeClock clock, List<String> streams, long seed, int pageSize, long maxVisibilityDelayMillis) {
        this.clock = clock;
        this.streams = List.copyOf(streams);
        this.random = new SplittableRandom(seed);
        this.pageSize = pageSize;
        this.maxVisibilityDelayMillis = maxVisibilityDelayMillis;
    }

    /** Creates an object of {@code stream} now, with its event. */
    public synchronized String create(String stream) {
        String id = stream.substring(0, 3) + "_" + Long.toString(nextId++ * 7919L + 1000, 36);
        Obj o = new Obj(stream, id, clock.epochSecond(), 0);
        live.put(key(stream, id), o);
        log(o, Rank.CREATED, Kind.UPSERT, stream + ".created");
        return id;
    }

    /** Changes a random live object now; false when there is none. */
    public synchronized boolean updateRandom() {
        Obj o = pick();
        if (o == null) {
            return false;
        }
        update(o.stream(), o.id());
        return true;
    }

    public synchronized void update(String stream, String id) {
        Obj o = live.get(key(stream, id));
        Obj next = new Obj(o.stream(), o.id(), o.created(), o.n() + 1);
        live.put(key(stream, id), next);
        log(next, Rank.UPDATED, Kind.UPSERT, stream + ".updated");
    }

    /** Deletes a random live object now; false when there is none. */
    public synchronized boolean deleteRandom() {
        Obj o = pick();
        if (o == null) {
            return false;
        }
        delete(o.stream(), o.id());
        return true;
    }

    public synchronized void delete(String stream, String id) {
        Obj o = live.remove(key(stream, id));
        deleted.add(key(stream, id));
        log(o, Rank.DELETED, Kind.DELETE, stream + ".deleted");
    }

    /** An event the sync does not use (as Stripe's {@code invoice.upcoming}). */
    public synchronized void logUnusable(String type) {
        String id = "evt_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        log.add(new Logged(FeedEvent.skipped(id, clock.epochSecond(), type, "unknown type"), visibleAt(), seq++));
    }

    private Obj pick() {
        if (live.isEmpty()) {
            return null;
        }
        List<Obj> all = new ArrayList<>(live.values());
        return all.get(random.nextInt(all.size()));
    }

    private void log(Obj o, Rank rank, Kind kind, String type) {
        String eventId = "evt_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        Change c = Change.ofEvent(o.stream(), o.id(), o.created(), o.json(), kind,
                new Event(eventId, clock.epochSecond(), rank, type));
        log.add(new Logged(FeedEvent.of(c), visibleAt(), seq++));
    }

    private long visibleAt() {
        return clock.epochMillis() + (maxVisibilityDelayMillis == 0 ? 0 : random.nextLong(maxVisibilityDelayMillis + 1));
    }

    /** The live objects of {@code stream}, id → JSON. */
    public synchronized Map<String, String> live(String stream) {
        Map<String, String> out = new HashMap<>();
        for (Obj o : live.values()) {
            if (o.stream().equals(stream)) {
                out.put(o.id(), o.json());
            }
        }
        return out;
    }

    /** The ids of {@code stream} deleted so far. */
    public synchronized Set<String> deleted(String stream) {
        Set<String> out = new TreeSet<>();
        for (String k : deleted) {
            if (k.startsWith(stream + "/")) {
                out.add(k.substring(stream.length() + 1));
            }
        }
        return out;
    }

    /** Live objects of {@code stream} as list-page copies received now, newest first. */
    public synchronized List<Change> listNow(String stream) {
        List<Change> out = new ArrayList<>();
        for (Obj o : live.values()) {
            if (o.stream().equals(stream)) {
                out.add(Change.copy(stream, o.id(), o.created(), clock.epochMillis(), o.json()));
            }
        }
        out.sort(Comparator.comparingLong(Change::created).reversed().thenComparing(Change::id));
        return out;
    }

    /** Makes every feed request take this long on the fake clock (a slow API). */
    public synchronized ChangingWorld fetchTakes(long millis) {
        fetchMillis = millis;
        return this;
    }

    /** When each request of the feed's first part was made (one per catch-up window), in epoch milliseconds. */
    public synchronized List<Long> firstPartFetches() {
        return List.copyOf(firstPartFetches);
    }

    public synchronized int feedRequests() {
        return feedRequests.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public int parts() {
        return streams.size();
    }

    @Override
    public synchronized FeedPage fetch(int part, TimeRange window, String startingAfter) {
        feedRequests.merge(streams.get(part), 1, Integer::sum);
        if (part == 0 && startingAfter == null) {
            firstPartFetches.add(clock.epochMillis());
        }
        clock.advanceMillis(fetchMillis);
        String stream = streams.get(part);
        long now = clock.epochMillis();
        List<Logged> visible = new ArrayList<>();
        for (Logged l : log) {
            FeedEvent e = l.event();
            boolean mine = e.change() != null ? e.change().stream().equals(stream) : part == 0;
            if (mine && l.visibleAtMillis() <= now && window.contains(e.second())) {
                visible.add(l);
            }
        }
        // Newest first; within a second, the later logged first (ids say nothing about order).
        visible.sort(Comparator.comparingLong((Logged l) -> l.event().second()).thenComparingInt(Logged::seq)
                .reversed());
        int from = 0;
        if (startingAfter != null) {
            while (from < visible.size() && !visible.get(from).event().id().equals(startingAfter)) {
                from++;
            }
            from++;
        }
        int to = Math.min(visible.size(), from + pageSize);
        List<FeedEvent> page = new ArrayList<>();
        for (Logged l : visible.subList(Math.min(from, visible.size()), to)) {
            page.add(l.event());
        }
        return new FeedPage(page, to < visible.size());
    }

    @Override
    public synchronized Change read(String stream, String id) throws SourceException {
        Obj o = live.get(key(stream, id));
        if (o == null) {
            return Change.gone(stream, id, clock.epochMillis());
        }
        return Change.copy(stream, id, o.created(), clock.epochMillis(), o.json());
    }

    private static String key(String stream, String id) {
        return stream + "/" + id;
    }
}
