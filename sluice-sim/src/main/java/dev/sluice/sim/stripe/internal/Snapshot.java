package dev.sluice.sim.stripe.internal;

/** An object as it was at one moment: the entry and the revision read together. */
public record Snapshot(Entry entry, Revision revision) {

    public String id() {
        return entry.id();
    }

    public long created() {
        return entry.created();
    }
}
