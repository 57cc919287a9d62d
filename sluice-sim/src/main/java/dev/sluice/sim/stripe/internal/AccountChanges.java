package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.Change;
import dev.sluice.sim.stripe.ChangeKind;
import dev.sluice.time.Clock;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Makes changes to accounts as Stripe would: picks the object, moves it to its next {@link Revision} by the
 * {@link Lifecycle}, announces it with one event, and records it in the {@link ChangeLog} — all at the clock's
 * current time.
 *
 * <p>What must stay true:
 * <ul>
 *   <li>One change at a time, across all accounts (one lock): an object's revisions, its events and the change
 *       log advance in the same order, and the random streams are drawn in the order of the calls, so the same
 *       seed and sequence of calls give the same ids, objects and events.</li>
 *   <li>The object changes, then its event is appended, then the change is logged, then the event is published
 *       (webhooks): whoever sees a change in the log can already retrieve the new state, and a webhook never
 *       announces what a retrieve does not show yet.</li>
 *   <li>Event {@code created} never goes backwards within an account (a clock that steps back is clamped to the
 *       last second), so the events list stays sorted.</li>
 *   <li>An event becomes visible in {@code /v1/events} within {@link #MAX_VISIBILITY_DELAY_NANOS} of its change,
 *       after a delay drawn from its id.</li>
 * </ul>
 */
public final class AccountChanges {

    /** The Events API lists an event at most this long after its change. */
    public static final long MAX_VISIBILITY_DELAY_NANOS = 1_000_000_000L;

    private final Clock clock;
    private final long seed;
    private final Accounts accounts;
    private final ChangeLog log;
    private final Consumer<EventRecord> published;
    private final long retentionSeconds;
    private final int webhookEndpoints;

    /**
     * @param published        told of every event once its change is in place (the webhook sender)
     * @param retentionSeconds how long events and the change log are kept
     * @param webhookEndpoints 1 when webhooks are delivered, else 0: an event's initial {@code pending_webhooks}
     */
    public AccountChanges(Clock clock, long seed, Accounts accounts, ChangeLog log, Consumer<EventRecord> published,
                         long retentionSeconds, int webhookEndpoints) {
        this.clock = clock;
        this.seed = seed;
        this.accounts = accounts;
        this.log = log;
        this.published = published;
        this.retentionSeconds = retentionSeconds;
        this.webhookEndpoints = webhookEndpoints;
    }

    /** Creates an object of {@code kind} now, with a fresh status (a new invoice is a draft). */
    public synchronized Change create(SimAccount account, ResourceKind kind) {
        long ms = clock.epochMillis();
        long second = second(account, ms);
        String id;
        do {
            id = Seeds.id(kind.idPrefix(), Population.ID_LENGTH, account.liveIdRandom(kind));
        } while (accounts.taken(kind, id));
        Revision fresh = Revision.initial(Lifecycle.freshStatus(kind, account.freshRandom(kind)));
        Entry entry = new Entry(id, second, fresh);
        account.index(kind).insert(entry);
        return record(account, kind, entry, fresh, null, Lifecycle.createdEvent(kind), ChangeKind.CREATED, ms,
                second);
    }

    /**
     * Updates an object now.
     *
     * @param id the object, or null for a random one that can be updated
     * @throws NoSuchElementException if the id is unknown, or no object can be updated
     * @throws IllegalStateException  if this object cannot be updated (deleted, or in a final status)
     */
    public synchronized Change update(SimAccount account, ResourceKind kind, String id) {
        SplittableRandom r = account.changeRandom(kind);
        Entry entry = target(account, kind, id, r, rev -> Lifecycle.updatable(kind, rev), "updated");
        long ms = clock.epochMillis();
        long second = second(account, ms);
        Revision old = entry.revision();
        Lifecycle.Step step = Lifecycle.update(kind, old, r, second);
        account.index(kind).revise(entry, step.next());
        return record(account, kind, entry, step.next(), old, step.eventType(), step.kind(), ms, second);
    }

    /**
     * Deletes an object now (cancels a subscription).
     *
     * @param id the object, or null for a random one that can be deleted
     * @throws NoSuchElementException if the id is unknown, or no object can be deleted
     * @throws IllegalStateException  if this object cannot be deleted (Stripe never deletes a charge, payment
     *                                intent or refund, nor an invoice that is not a draft)
     */
    public synchronized Change delete(SimAccount account, ResourceKind kind, String id) {
        if (!Lifecycle.everDeletable(kind)) {
            throw new IllegalStateException("Stripe never deletes a " + kind.objectType());
        }
        SplittableRandom r = account.changeRandom(kind);
        Entry entry = target(account, kind, id, r, rev -> Lifecycle.deletable(kind, rev), "deleted");
        long ms = clock.epochMillis();
        long second = second(account, ms);
        Revision old = entry.revision();
        Lifecycle.Step step = Lifecycle.delete(kind, old, second);
        account.index(kind).revise(entry, step.next());
        // A cancellation is an update of the subscription; a deletion's event carries the object as it was.
        Revision previous = step.kind() == ChangeKind.CANCELED ? old : null;
        return record(account, kind, entry, step.next(), previous, step.eventType(), step.kind(), ms, second);
    }

    /** The oldest second events are kept from, now. */
    public long oldestEventSecond() {
        return clock.epochSecond() - retentionSeconds;
    }

    private Entry target(SimAccount account, ResourceKind kind, String id, SplittableRandom r,
                         Predicate<Revision> eligible, String verb) {
        if (id != null) {
            return account.index(kind).find(id).orElseThrow(() -> new NoSuchElementException(
                    "no " + kind.objectType() + " " + id + " in account " + account.id()));
        }
        return account.index(kind).pick(r, eligible).orElseThrow(() -> new NoSuchElementException(
                "no " + kind.objectType() + " in account " + account.id() + " can be " + verb));
    }

    private Change record(SimAccount account, ResourceKind kind, Entry entry, Revision next, Revision previous,
                          String type, ChangeKind what, long ms, long second) {
        String eventId;
        do {
            eventId = Seeds.id("evt_", 24, account.eventIdRandom());
        } while (eventTaken(eventId));
        long delay = Seeds.random(seed, eventId + "/visible").nextLong(MAX_VISIBILITY_DELAY_NANOS);
        EventRecord event = new EventRecord(eventId, type, second, account.nextEventSequence(), kind, entry, next,
                previous, account.eventAccount(), clock.nanoTime() + delay,
                new EventRecord.Delivery(webhookEndpoints));
        account.events().append(event);
        Change change = log.add(account.eventAccount(), kind, entry.id(), what, event, ms);
        long oldest = second - retentionSeconds;
        account.events().expire(oldest);
        log.expire(oldest * 1_000L);
        published.accept(event);
        return change;
    }

    /** The change's second: the clock's, never before the account's last event. */
    private static long second(SimAccount account, long ms) {
        return Math.max(Math.floorDiv(ms, 1_000L), account.events().lastCreated());
    }

    private boolean eventTaken(String id) {
        for (SimAccount a : accounts.all()) {
            if (a.events().contains(id)) {
                return true;
            }
        }
        return false;
    }
}
