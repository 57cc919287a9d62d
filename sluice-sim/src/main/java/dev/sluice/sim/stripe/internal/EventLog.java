package dev.sluice.sim.stripe.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One account's events, in the order they happened, readable as Stripe's {@code /v1/events}: newest first,
 * filtered by created range, type and delivery, paged by event-id cursors, and only events already visible
 * (each becomes visible a little after its change) and not older than the retention.
 *
 * <p>What must stay true: events are appended with non-decreasing {@code created} and increasing
 * {@code sequence}, so the array is sorted by both and list order is its reverse; appends and expiry take the
 * write lock, reads the read lock. Expired events are dropped from the front in batches, and a read never shows
 * one whatever is still stored.
 */
public final class EventLog {

    private static final int EXPIRE_BATCH = 1_024;

    private final Guarded guard = new Guarded();
    private final ArrayList<EventRecord> events = new ArrayList<>();
    private final Map<String, EventRecord> byId = new HashMap<>();

    /** Adds an event; its {@code created} must not be older than the last one's. */
    public void append(EventRecord e) {
        guard.write(() -> {
            if (!events.isEmpty() && events.getLast().created() > e.created()) {
                throw new IllegalArgumentException("event " + e.id() + " is older than the last one");
            }
            events.add(e);
            byId.put(e.id(), e);
        });
    }

    /** The created second of the newest event, or {@link Long#MIN_VALUE} if none. */
    public long lastCreated() {
        return guard.read(() -> events.isEmpty() ? Long.MIN_VALUE : events.getLast().created());
    }

    public boolean contains(String id) {
        return guard.read(() -> byId.containsKey(id));
    }

    /** The event if it is kept and visible. */
    public Optional<EventRecord> find(String id, long nowNanos, long oldest) {
        return guard.read(() -> {
            EventRecord e = byId.get(id);
            return e != null && e.created() >= oldest && e.visibleAtNanos() <= nowNanos ? Optional.of(e)
                    : Optional.<EventRecord>empty();
        });
    }

    /**
     * A page of visible events with {@code created >= oldest} that pass the query, newest first.
     *
     * @throws StripeError 404 for a cursor that is not a kept event
     */
    public Paging.Window<EventRecord> page(EventQuery q, long nowNanos, long oldest) {
        ListQuery list = q.list();
        return guard.read(() -> {
            int from = firstCreatedAtLeast(Math.max(list.lo(), oldest));
            int to = Math.max(from, firstCreatedAtLeast(list.hi()));
            Predicate<EventRecord> keep = e -> e.visibleAtNanos() <= nowNanos && q.accepts(e);
            if (list.endingBefore() != null) {
                int at = position(cursor(list.endingBefore(), "ending_before", oldest));
                return Paging.upFrom(events::get, Math.max(from, at + 1), to, list.limit(), keep);
            }
            int below = to;
            if (list.startingAfter() != null) {
                below = Math.min(to, position(cursor(list.startingAfter(), "starting_after", oldest)));
            }
            return Paging.downFrom(events::get, from, below, list.limit(), keep);
        });
    }

    /** Drops events older than {@code oldest} once enough have piled up to make it worth the copy. */
    public void expire(long oldest) {
        guard.write(() -> {
            int n = firstCreatedAtLeast(oldest);
            if (n >= EXPIRE_BATCH || (n > 0 && n == events.size())) {
                for (int i = 0; i < n; i++) {
                    byId.remove(events.get(i).id());
                }
                events.subList(0, n).clear();
            }
        });
    }

    /** Every kept event, oldest first (expired ones not yet dropped excluded). */
    public List<EventRecord> all(long oldest) {
        return guard.read(() -> List.copyOf(events.subList(firstCreatedAtLeast(oldest), events.size())));
    }

    private EventRecord cursor(String id, String param, long oldest) {
        EventRecord e = byId.get(id);
        if (e == null || e.created() < oldest) {
            throw StripeError.missing("event", id, param);
        }
        return e;
    }

    /** The array position of a stored event, by its sequence. */
    private int position(EventRecord e) {
        return Paging.firstAtLeast(events.size(), i -> events.get(i).sequence(), e.sequence());
    }

    private int firstCreatedAtLeast(long created) {
        return Paging.firstAtLeast(events.size(), i -> events.get(i).created(), created);
    }
}
