package dev.sluice.replay.govern.internal;

/**
 * The foreground samples of the rate law's lookback, oldest first: when each was taken, its latency, lock waiters
 * and CPU pressure (NaN when unmeasured), in a ring that grows as needed. Reduced to the figures a judgement uses by
 * {@link #latency}, {@link #waiters} and {@link #pressure}. Not thread-safe (the law's own).
 */
final class SampleWindow {
    private long[] at = new long[32];
    private double[] latencies = new double[32];
    private double[] waiters = new double[32];
    private double[] pressures = new double[32];
    private int head;
    private int count;

    int size() {
        return count;
    }

    void clear() {
        count = 0;
    }

    void add(long now, double latency, double w, double pressure) {
        if (count == at.length) {
            int n = at.length * 2;
            at = unroll(at, n);
            latencies = unroll(latencies, n);
            waiters = unroll(waiters, n);
            pressures = unroll(pressures, n);
            head = 0;
        }
        int k = (head + count) % at.length;
        at[k] = now;
        latencies[k] = latency;
        waiters[k] = w;
        pressures[k] = pressure;
        count++;
    }

    /** Drops samples taken at or before {@code before}. */
    void evict(long before) {
        while (count > 0 && at[head] <= before) {
            head = (head + 1) % at.length;
            count--;
        }
    }

    /** The latency at quantile {@code q}. */
    double latency(double q) {
        return Quantile.of(ordered(latencies), count, q);
    }

    /** The lock waiters at quantile {@code q}. */
    double waiters(double q) {
        return Quantile.of(ordered(waiters), count, q);
    }

    /** The mean CPU pressure of the samples that have one; NaN if none has. */
    double pressure() {
        return meanOfKnown(ordered(pressures), count);
    }

    /** The mean of the first {@code n} values that are not NaN; NaN if none is. */
    static double meanOfKnown(double[] v, int n) {
        double sum = 0;
        int known = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(v[i])) {
                sum += v[i];
                known++;
            }
        }
        return known == 0 ? Double.NaN : sum / known;
    }

    private double[] ordered(double[] ring) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }

    private long[] unroll(long[] ring, int capacity) {
        long[] out = new long[capacity];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }

    private double[] unroll(double[] ring, int capacity) {
        double[] out = new double[capacity];
        System.arraycopy(ordered(ring), 0, out, 0, count);
        return out;
    }
}
