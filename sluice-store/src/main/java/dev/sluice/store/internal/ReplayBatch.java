package dev.sluice.store.internal;

import dev.sluice.replay.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One {@code apply} call's events, collapsed to what can change a table: per record key
 * {@code (did, collection, rkey)} the commit with the greatest {@code rev}, per DID the identity and the account
 * event with the greatest {@code seq}; on equal revs or seqs the later event in the list wins.
 *
 * <p>Why collapse first: PostgreSQL refuses an {@code INSERT … ON CONFLICT DO UPDATE} that touches one row twice,
 * and a key that appears once per statement makes "greatest wins" a property of each statement. Every list is in key
 * order ({@link #KEY_ORDER}), so concurrent statements lock rows in one order and cannot deadlock.
 *
 * <p>Revs are compared as their UTF-8 bytes ({@link #compareUtf8}), which is how the tables compare them (SQLite's
 * {@code BINARY}, PostgreSQL's {@code COLLATE "C"}): the winner chosen here is the one the database would choose.
 * Keys only need an order every writer shares, for locking, so they use {@link String#compareTo} (an intrinsic):
 * measured, comparing keys code point by code point was the replay's hottest method.
 *
 * @param upserts winning creates and updates, in key order
 * @param deletes winning deletes, in key order
 * @param identities winning identity events, in DID order
 * @param accounts winning account events, in DID order
 * @param collapsed events dropped because a later or newer event of the same key is in the call
 */
public record ReplayBatch(List<Event> upserts, List<Event> deletes, List<Event> identities, List<Event> accounts,
                          int collapsed) {

    /** The lock order of record keys: did, then collection, then rkey, each as {@link String#compareTo}. */
    public static final Comparator<Event> KEY_ORDER = (a, b) -> {
        int c = a.did().compareTo(b.did());
        if (c != 0) {
            return c;
        }
        c = a.commit().collection().compareTo(b.commit().collection());
        return c != 0 ? c : a.commit().rkey().compareTo(b.commit().rkey());
    };

    private record Key(String did, String collection, String rkey) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = did.compareTo(o.did);
            if (c != 0) {
                return c;
            }
            c = collection.compareTo(o.collection);
            return c != 0 ? c : rkey.compareTo(o.rkey);
        }
    }

    public ReplayBatch {
        upserts = List.copyOf(upserts);
        deletes = List.copyOf(deletes);
        identities = List.copyOf(identities);
        accounts = List.copyOf(accounts);
    }

    public static ReplayBatch of(List<Event> events) {
        Map<Key, Event> commits = new TreeMap<>();
        Map<String, Event> identities = new TreeMap<>();
        Map<String, Event> accounts = new TreeMap<>();
        for (Event e : events) {
            Objects.requireNonNull(e, "event");
            switch (e.kind()) {
                case COMMIT -> commits.merge(new Key(e.did(), e.commit().collection(), e.commit().rkey()), e,
                        (kept, next) -> compareUtf8(next.commit().rev(), kept.commit().rev()) >= 0 ? next : kept);
                case IDENTITY -> identities.merge(e.did(), e,
                        (kept, next) -> next.identity().seq() >= kept.identity().seq() ? next : kept);
                case ACCOUNT -> accounts.merge(e.did(), e,
                        (kept, next) -> next.account().seq() >= kept.account().seq() ? next : kept);
            }
        }
        List<Event> upserts = new ArrayList<>();
        List<Event> deletes = new ArrayList<>();
        for (Event e : commits.values()) {
            (e.commit().operation() == Event.Operation.DELETE ? deletes : upserts).add(e);
        }
        int kept = commits.size() + identities.size() + accounts.size();
        return new ReplayBatch(upserts, deletes, new ArrayList<>(identities.values()),
                new ArrayList<>(accounts.values()), events.size() - kept);
    }

    /** How many events survived the collapse. */
    public int size() {
        return upserts.size() + deletes.size() + identities.size() + accounts.size();
    }

    /**
     * Compares two strings as their UTF-8 encodings compare byte by byte (that is, by code point), without encoding
     * them. {@link String#compareTo} compares UTF-16 units instead, which puts U+E000..U+FFFF after the surrogate
     * pairs of supplementary characters; this maps the units so that they order as code points do.
     */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(codePointRank(x), codePointRank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** Surrogates (D800..DFFF) move above every BMP unit; E000..FFFF move down into the room they leave. */
    private static int codePointRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c <= 0xDFFF ? c + 0x2000 : c - 0x800;
    }
}
