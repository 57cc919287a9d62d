package dev.sluice.replay;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What to read from a firehose: from {@code cursorUs} (inclusive; empty = live tail), only the given collections and
 * DIDs (empty = all). A collection may end in {@code .*} to want every NSID under that prefix. As in Jetstream,
 * identity and account events pass whatever {@code collections} says.
 */
public record Subscription(OptionalLong cursorUs, Set<String> collections, Set<String> dids) {
    public Subscription {
        Objects.requireNonNull(cursorUs, "cursorUs");
        collections = Set.copyOf(collections);
        dids = Set.copyOf(dids);
    }

    public static Subscription from(long cursorUs) {
        return new Subscription(OptionalLong.of(cursorUs), Set.of(), Set.of());
    }

    public Subscription withCursor(long cursorUs) {
        return new Subscription(OptionalLong.of(cursorUs), collections, dids);
    }

    /** Whether {@code e} passes the filters (a source that cannot filter on the server uses this). */
    public boolean wants(Event e) {
        if (!dids.isEmpty() && !dids.contains(e.did())) {
            return false;
        }
        return e.kind() != Event.Kind.COMMIT || wantsCollection(e.commit().collection());
    }

    /**
     * Whether {@code collection} passes the collection filter: no filter, the exact NSID, or an entry ending in
     * {@code .*} that is a prefix of it ({@code app.bsky.feed.*}), as Jetstream's {@code wantedCollections} allows.
     */
    public boolean wantsCollection(String collection) {
        if (collections.isEmpty() || collections.contains(collection)) {
            return true;
        }
        for (String wanted : collections) {
            if (wanted.endsWith(".*") && collection.startsWith(wanted.substring(0, wanted.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
