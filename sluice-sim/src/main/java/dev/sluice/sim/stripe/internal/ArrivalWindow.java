package dev.sluice.sim.stripe.internal;

import java.util.Arrays;

/**
 * The densest stretch of arrivals: the largest number of timestamps inside any half-open window
 * {@code [t, t + width)}. Such a window can always be slid right until it starts at an arrival, so it suffices to
 * try windows that start at each arrival; two pointers do that in one pass over sorted times.
 */
public final class ArrivalWindow {

    private ArrivalWindow() {
    }

    /** @param nanos arrival times (any order; the first {@code n} are used, the array is not modified) */
    public static long maxInWindow(long[] nanos, int n, long widthNanos) {
        if (widthNanos <= 0) {
            throw new IllegalArgumentException("window width must be > 0, was " + widthNanos);
        }
        long[] t = Arrays.copyOf(nanos, n);
        Arrays.sort(t);
        long best = 0;
        int first = 0;
        for (int last = 0; last < n; last++) {
            // overflow-safe form of t[last] >= t[first] + width
            while (t[last] - t[first] >= widthNanos) {
                first++;
            }
            best = Math.max(best, last - first + 1);
        }
        return best;
    }
}
