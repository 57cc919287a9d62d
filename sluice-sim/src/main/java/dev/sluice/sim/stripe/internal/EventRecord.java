package dev.sluice.sim.stripe.internal;

/**
 * One event, as compact as an object: the changed object's entry and the revisions before and after, from which
 * {@code data.object} and {@code data.previous_attributes} are rendered on demand.
 *
 * @param sequence       the account's event counter: list order within a second
 * @param account        the connected account's id, null for the platform (no top-level {@code account})
 * @param previous       the revision before an update, null for creations and deletions
 * @param visibleAtNanos when the events list starts showing it (the Events API is eventually consistent)
 */
public record EventRecord(String id, String type, long created, long sequence, ResourceKind kind, Entry entry,
                          Revision revision, Revision previous, String account, long visibleAtNanos,
                          Delivery delivery) {

    /** Whether its webhook was delivered: read by {@code delivery_success} and {@code pending_webhooks}. */
    public static final class Delivery {
        private volatile int pending;

        public Delivery(int endpoints) {
            this.pending = endpoints;
        }

        public int pending() {
            return pending;
        }

        public void delivered() {
            pending = 0;
        }
    }

    /** The object as the event carries it. */
    public Snapshot object() {
        return new Snapshot(entry, revision);
    }
}
