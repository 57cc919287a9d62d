package dev.sluice.sim.stripe.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of an object that changes while the simulator runs, as one immutable value: a change swaps the whole
 * revision, so a reader never sees half of one. Everything else in an object's JSON derives from the seed, its id,
 * its {@code created} and this value (see {@link ObjectRenderer}).
 *
 * <p>Unchanged objects share one interned instance per status, so a 100k-object account holds a reference per
 * object, not a revision.
 *
 * @param version     0 as generated; every update adds one (rendered as {@code metadata.sim_version})
 * @param status      the object's status ({@code paid}, {@code canceled}, {@code active}…), null where it has none
 * @param deleted     deleted: gone from lists, and retrieved as a stub (customers) or a 404
 * @param updatedAt   epoch second of the last update, 0 if none since generation
 * @param statusAt    epoch second of the last status change (paid_at, canceled_at…), 0 if none since generation
 * @param finalizedAt an invoice's finalized_at when it was finalized while running, else 0
 */
public record Revision(int version, String status, boolean deleted, long updatedAt, long statusAt,
                       long finalizedAt) {

    private static final Revision PLAIN = new Revision(0, null, false, 0, 0, 0);
    private static final Map<String, Revision> INITIAL = new ConcurrentHashMap<>();

    /** The shared revision of an object as generated, with this status (null: none). */
    public static Revision initial(String status) {
        return status == null ? PLAIN : INITIAL.computeIfAbsent(status, s -> new Revision(0, s, false, 0, 0, 0));
    }

    /** The next version, with {@code newStatus}, changed at {@code at}. */
    public Revision updated(String newStatus, long at) {
        boolean moved = newStatus != null && !newStatus.equals(status);
        return new Revision(version + 1, newStatus, false, at, moved ? at : statusAt, finalizedAt);
    }

    /** The next version of a draft invoice, finalized at {@code at}. */
    public Revision finalized(long at) {
        return new Revision(version + 1, "open", false, at, at, at);
    }

    /** The same object, deleted: its fields stay as they were, for the last event's payload. */
    public Revision asDeleted() {
        return new Revision(version, status, true, updatedAt, statusAt, finalizedAt);
    }
}
