package dev.sluice.replay.govern;

/**
 * One measurement of how the database serves its foreground traffic: how long a canary took, how many other sessions
 * were waiting on locks at that moment, and, when the database shares this host, how much of the time since the last
 * sample something on the host waited for a CPU.
 *
 * @param latencyNanos the canary's round trip, in nanoseconds; never negative
 * @param waiters      sessions (other than Sluice's) waiting on a lock; 0 where the database cannot tell
 * @param cpuPressure  the share of the time since the previous sample during which at least one task on the host was
 *                     runnable but waiting for a CPU (Linux's PSI, {@code /proc/pressure/cpu} "some"), in [0, 1];
 *                     NaN where it is not measured (another host, no PSI, or the first sample)
 */
public record ForegroundSample(long latencyNanos, int waiters, double cpuPressure) {
    public ForegroundSample {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latencyNanos must be >= 0, was " + latencyNanos);
        }
        if (waiters < 0) {
            throw new IllegalArgumentException("waiters must be >= 0, was " + waiters);
        }
        if (cpuPressure < 0 || cpuPressure > 1) {
            throw new IllegalArgumentException("cpuPressure must be in [0, 1] or NaN, was " + cpuPressure);
        }
    }

    /** A sample without a CPU pressure reading. */
    public ForegroundSample(long latencyNanos, int waiters) {
        this(latencyNanos, waiters, Double.NaN);
    }

    /** This sample with {@code pressure} as its CPU pressure. */
    public ForegroundSample withCpuPressure(double pressure) {
        return new ForegroundSample(latencyNanos, waiters, pressure);
    }

    public static ForegroundSample ofMillis(double millis, int waiters) {
        return new ForegroundSample(Math.round(millis * 1e6), waiters);
    }

    public double latencyMillis() {
        return latencyNanos / 1e6;
    }
}
