package dev.sluice.sim.stripe.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The objects of one resource, sorted ascending by (created, id), readable while objects arrive and change.
 *
 * <p>Stripe lists newest first, so a page walks this array backwards. A cursor is looked up by id (a hash map) to
 * its (created, id) key, then located by binary search; the cursor need not lie inside the created filter, nor be
 * visible (a deleted object still positions a page, so a client whose last item was deleted can go on).
 * Deleted objects stay in the array, flagged in their revision; a page skips what its filter rejects and still
 * answers {@code has_more} exactly (it looks for one more match).
 *
 * <p>What must stay true: revisions are swapped and objects inserted under the write lock, pages and counts are
 * read under the read lock, so a page's filter and the revisions it hands out agree. New objects are created "now"
 * and land at or near the end, so insertion shifts little.
 */
public final class ObjectIndex {

    /** Lists and digests show what is not deleted. */
    public static final Predicate<Revision> EXISTING = r -> !r.deleted();

    private static final int RANDOM_PROBES = 64;

    private final Guarded guard = new Guarded();
    private final ArrayList<Entry> ascending;
    private final Map<String, Entry> byId;
    private int deleted;

    public ObjectIndex(Collection<Entry> initial) {
        ascending = new ArrayList<>(initial);
        ascending.sort(Entry.ASCENDING);
        byId = HashMap.newHashMap(ascending.size());
        for (Entry e : ascending) {
            if (byId.put(e.id(), e) != null) {
                throw new IllegalArgumentException("duplicate id " + e.id());
            }
            if (e.revision().deleted()) {
                deleted++;
            }
        }
    }

    /** Adds an object; false (and nothing added) if its id is taken. */
    public boolean insert(Entry e) {
        return guard.write(() -> {
            if (byId.putIfAbsent(e.id(), e) != null) {
                return false;
            }
            ascending.add(insertionPoint(e), e);
            if (e.revision().deleted()) {
                deleted++;
            }
            return true;
        });
    }

    /** Swaps an object's revision; the object must belong to this index. */
    public void revise(Entry e, Revision next) {
        guard.write(() -> {
            if (byId.get(e.id()) != e) {
                throw new IllegalArgumentException(e.id() + " is not in this index");
            }
            boolean was = e.revision().deleted();
            e.revision(next);
            deleted += (next.deleted() ? 1 : 0) - (was ? 1 : 0);
        });
    }

    /** Objects that exist (not deleted). */
    public int size() {
        return guard.read(() -> ascending.size() - deleted);
    }

    /** Whether the id was ever used here, deleted objects included. */
    public boolean contains(String id) {
        return guard.read(() -> byId.containsKey(id));
    }

    /** The object with this id, deleted or not. */
    public Optional<Entry> find(String id) {
        return guard.read(() -> Optional.ofNullable(byId.get(id)));
    }

    /** A page of existing objects with {@code lo <= created < hi}, newest first; see the filtered form. */
    public Page page(long lo, long hi, Entry startingAfter, Entry endingBefore, int limit) {
        return page(lo, hi, startingAfter, endingBefore, limit, EXISTING);
    }

    /**
     * A page of objects with {@code lo <= created < hi} whose revision passes {@code filter}, newest first.
     *
     * @param startingAfter if set, only objects strictly after it in list order (older than it)
     * @param endingBefore  if set, the {@code limit} matching objects immediately before it in list order (newer
     *                      than it); at most one of the two cursors may be set
     */
    public Page page(long lo, long hi, Entry startingAfter, Entry endingBefore, int limit,
                     Predicate<Revision> filter) {
        return guard.read(() -> {
            int from = firstCreatedAtLeast(lo);
            int to = Math.max(from, firstCreatedAtLeast(hi));
            Predicate<Snapshot> keep = snapshot -> filter.test(snapshot.revision());
            Paging.Window<Snapshot> w = endingBefore != null
                    ? Paging.upFrom(this::snapshotAt, Math.max(from, insertionPointAfter(endingBefore)), to, limit, keep)
                    : Paging.downFrom(this::snapshotAt, from,
                            startingAfter == null ? to : Math.min(to, insertionPoint(startingAfter)), limit, keep);
            return new Page(w.items(), w.hasMore());
        });
    }

    /** Existing objects with {@code lo <= created < hi}, in index order, each with its revision now. */
    public List<Snapshot> snapshots(long lo, long hi) {
        return guard.read(() -> {
            int from = firstCreatedAtLeast(lo);
            int to = Math.max(from, firstCreatedAtLeast(hi));
            List<Snapshot> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                Snapshot s = snapshotAt(i);
                if (!s.revision().deleted()) {
                    out.add(s);
                }
            }
            return out;
        });
    }

    /** Ids of existing objects with {@code lo <= created < hi}, in index order. */
    public List<String> ids(long lo, long hi) {
        return snapshots(lo, hi).stream().map(Snapshot::id).toList();
    }

    /** Ids of deleted objects, in index order. */
    public List<String> deletedIds() {
        return guard.read(() -> {
            List<String> out = new ArrayList<>(deleted);
            for (Entry e : ascending) {
                if (e.revision().deleted()) {
                    out.add(e.id());
                }
            }
            return out;
        });
    }

    /**
     * A random object whose revision passes {@code eligible}: a few random probes, then a scan from a random place,
     * so a rare kind of object is still found. Deterministic for a given random stream and index content.
     */
    public Optional<Entry> pick(SplittableRandom random, Predicate<Revision> eligible) {
        return guard.read(() -> {
            int n = ascending.size();
            if (n == 0) {
                return Optional.<Entry>empty();
            }
            for (int probe = 0; probe < RANDOM_PROBES; probe++) {
                Entry e = ascending.get(random.nextInt(n));
                if (eligible.test(e.revision())) {
                    return Optional.of(e);
                }
            }
            int start = random.nextInt(n);
            for (int k = 0; k < n; k++) {
                Entry e = ascending.get((start + k) % n);
                if (eligible.test(e.revision())) {
                    return Optional.of(e);
                }
            }
            return Optional.<Entry>empty();
        });
    }

    private Snapshot snapshotAt(int i) {
        return ascending.get(i).snapshot();
    }

    /** First index whose entry is >= key (key itself if present). */
    private int insertionPoint(Entry key) {
        int lo = 0;
        int hi = ascending.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Entry.ASCENDING.compare(ascending.get(mid), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose entry is > key. */
    private int insertionPointAfter(Entry key) {
        int lo = 0;
        int hi = ascending.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Entry.ASCENDING.compare(ascending.get(mid), key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int firstCreatedAtLeast(long created) {
        return Paging.firstAtLeast(ascending.size(), i -> ascending.get(i).created(), created);
    }
}
