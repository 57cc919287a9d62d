package dev.sluice.sim.stripe.internal;

import java.util.Comparator;

/**
 * All the simulator stores per object: its id and {@code created}. Everything else in the JSON derives from
 * (seed, resource, id), see {@link ObjectRenderer}.
 */
public record Entry(String id, long created) {

    /** Ascending (created, id): the reverse of Stripe's list order. */
    public static final Comparator<Entry> ASCENDING =
            Comparator.comparingLong(Entry::created).thenComparing(Entry::id);
}
