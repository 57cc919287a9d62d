package dev.sluice.sim.stripe.internal;

import java.util.Comparator;

/**
 * One object of an {@link ObjectIndex}: its id and {@code created}, which never change, and its current
 * {@link Revision}, which a change swaps whole. Everything else in the JSON derives from (seed, id, created,
 * revision), see {@link ObjectRenderer}.
 *
 * <p>What must stay true: the revision is only written under the owning index's write lock
 * ({@link ObjectIndex#revise}), so a page read under the read lock sees each object's filter and body from the
 * same revision.
 */
public final class Entry {

    /** Ascending (created, id): the reverse of Stripe's list order. */
    public static final Comparator<Entry> ASCENDING =
            Comparator.comparingLong(Entry::created).thenComparing(Entry::id);

    private final String id;
    private final long created;
    private volatile Revision revision;

    public Entry(String id, long created, Revision revision) {
        this.id = id;
        this.created = created;
        this.revision = revision;
    }

    /** An object with no status, as generated. */
    public Entry(String id, long created) {
        this(id, created, Revision.initial(null));
    }

    public String id() {
        return id;
    }

    public long created() {
        return created;
    }

    public Revision revision() {
        return revision;
    }

    void revision(Revision next) {
        this.revision = next;
    }

    /** This object as it is now. */
    public Snapshot snapshot() {
        return new Snapshot(this, revision);
    }

    @Override
    public String toString() {
        return id + "@" + created;
    }
}
