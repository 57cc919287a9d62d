package dev.sluice.replay.govern.internal;

import java.util.Arrays;

/** Nearest-rank quantiles of small samples (a judging window holds tens of values, so sorting a copy is cheap). */
public final class Quantile {
    private Quantile() {
    }

    /**
     * The smallest value with at least {@code q} of the sample at or below it: the {@code ceil(q·n)}-th smallest.
     * For the median of an even-sized sample that is the lower middle value, so one slow outlier in four never moves
     * it. NaN for an empty sample.
     */
    public static double of(double[] values, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)];
    }
}
