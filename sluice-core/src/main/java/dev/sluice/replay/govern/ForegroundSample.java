package dev.sluice.replay.govern;

/**
 * One measurement of how the database serves its foreground traffic: how long a canary query took, and how many
 * other sessions were waiting on locks at that moment.
 *
 * @param latencyNanos the canary's round trip, in nanoseconds; never negative
 * @param waiters      sessions (other than Sluice's) waiting on a lock; 0 where the database cannot tell
 */
public record ForegroundSample(long latencyNanos, int waiters) {
    public ForegroundSample {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latencyNanos must be >= 0, was " + latencyNanos);
        }
        if (waiters < 0) {
            throw new IllegalArgumentException("waiters must be >= 0, was " + waiters);
        }
    }

    public static ForegroundSample ofMillis(double millis, int waiters) {
        return new ForegroundSample(Math.round(millis * 1e6), waiters);
    }

    public double latencyMillis() {
        return latencyNanos / 1e6;
    }
}
