package dev.sluice.sim.stripe.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The objects of one resource, sorted ascending by (created, id), readable while new objects arrive.
 *
 * <p>Stripe lists newest first, so a page walks this array backwards. A cursor is looked up by id (a hash map) to
 * its (created, id) key, then located by binary search; the cursor need not lie inside the created filter.
 * Objects are never removed or changed, so a looked-up {@link Entry} stays valid after the lock is released.
 * New objects are created "now" and land at or near the end, so insertion shifts little.
 */
public final class ObjectIndex {

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final ArrayList<Entry> ascending;
    private final Map<String, Entry> byId;

    public ObjectIndex(Collection<Entry> initial) {
        ascending = new ArrayList<>(initial);
        ascending.sort(Entry.ASCENDING);
        byId = HashMap.newHashMap(ascending.size());
        for (Entry e : ascending) {
            if (byId.put(e.id(), e) != null) {
                throw new IllegalArgumentException("duplicate id " + e.id());
            }
        }
    }

    /** Adds an object; false (and nothing added) if its id is taken. */
    public boolean insert(Entry e) {
        lock.writeLock().lock();
        try {
            if (byId.putIfAbsent(e.id(), e) != null) {
                return false;
            }
            int at = insertionPoint(e);
            ascending.add(at, e);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return ascending.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<Entry> find(String id) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(byId.get(id));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * A page of objects with {@code lo <= created < hi}, newest first.
     *
     * @param startingAfter if set, only objects strictly after it in list order (older than it)
     * @param endingBefore  if set, the {@code limit} objects immediately before it in list order (newer than it);
     *                      at most one of the two cursors may be set
     */
    public Page page(long lo, long hi, Entry startingAfter, Entry endingBefore, int limit) {
        lock.readLock().lock();
        try {
            int from = firstCreatedAtLeast(lo);
            int to = Math.max(from, firstCreatedAtLeast(hi));
            List<Entry> items = new ArrayList<>(Math.min(limit, to - from));
            if (endingBefore != null) {
                int start = Math.max(from, insertionPointAfter(endingBefore));
                int end = Math.min(to, start + limit);
                for (int i = end - 1; i >= start; i--) {
                    items.add(ascending.get(i));
                }
                return new Page(items, to - start > limit);
            }
            int end = startingAfter == null ? to : Math.min(to, insertionPoint(startingAfter));
            int start = Math.max(from, end - limit);
            for (int i = end - 1; i >= start; i--) {
                items.add(ascending.get(i));
            }
            return new Page(items, end - from > limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Ids of objects with {@code lo <= created < hi}, in index order. */
    public List<String> ids(long lo, long hi) {
        lock.readLock().lock();
        try {
            int from = firstCreatedAtLeast(lo);
            int to = Math.max(from, firstCreatedAtLeast(hi));
            List<String> ids = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                ids.add(ascending.get(i).id());
            }
            return ids;
        } finally {
            lock.readLock().unlock();
        }
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
        int lo = 0;
        int hi = ascending.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ascending.get(mid).created() < created) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
