package dev.sluice.sim.stripe.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.Predicate;

/**
 * Stripe's cursor paging over items stored in ascending positions, listed from the highest position down (newest
 * first). With {@code starting_after}, a page holds the highest matching positions below the cursor's; with
 * {@code ending_before}, the matching positions just above it, still listed highest first. {@code has_more} is
 * exact: after a full page, the rest of the range is searched for one more match.
 */
final class Paging {

    /** One page: items in list order, and whether more match beyond it in the paging direction. */
    record Window<T>(List<T> items, boolean hasMore) {
    }

    private Paging() {
    }

    /** The highest matching positions in {@code [from, to)}: a first page, or one after a cursor at {@code to}. */
    static <T> Window<T> downFrom(IntFunction<T> at, int from, int to, int limit, Predicate<T> keep) {
        List<T> items = new ArrayList<>(Math.max(0, Math.min(limit, to - from)));
        int i = to - 1;
        for (; i >= from && items.size() < limit; i--) {
            T t = at.apply(i);
            if (keep.test(t)) {
                items.add(t);
            }
        }
        return new Window<>(items, anyMatch(at, from, i + 1, keep));
    }

    /** The lowest matching positions in {@code [from, to)}, listed highest first: a page before a cursor. */
    static <T> Window<T> upFrom(IntFunction<T> at, int from, int to, int limit, Predicate<T> keep) {
        List<T> items = new ArrayList<>(Math.max(0, Math.min(limit, to - from)));
        int i = from;
        for (; i < to && items.size() < limit; i++) {
            T t = at.apply(i);
            if (keep.test(t)) {
                items.add(t);
            }
        }
        return new Window<>(items.reversed(), anyMatch(at, i, to, keep));
    }

    /** The first position in {@code [0, size)} whose key is {@code >= value}; keys must be non-decreasing. */
    static int firstAtLeast(int size, IntToLongFunction key, long value) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (key.applyAsLong(mid) < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static <T> boolean anyMatch(IntFunction<T> at, int from, int to, Predicate<T> keep) {
        for (int i = from; i < to; i++) {
            if (keep.test(at.apply(i))) {
                return true;
            }
        }
        return false;
    }
}
