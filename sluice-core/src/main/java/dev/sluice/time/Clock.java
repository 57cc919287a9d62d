package dev.sluice.time;

import java.time.Duration;

/**
 * Time as the engine sees it. Everything that waits, measures or stamps goes through one of these, so that the
 * limiter, backoff, planner and governor tests drive time by hand instead of sleeping.
 */
public interface Clock {
    /** Monotonic nanoseconds, for measuring intervals. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch, for stamping rows and freezing ranges. */
    long epochMillis();

    /** Blocks the calling thread for {@code nanos}; a fake clock advances itself instead. */
    void sleepNanos(long nanos) throws InterruptedException;

    default long epochSecond() {
        return Math.floorDiv(epochMillis(), 1000L);
    }

    default void sleep(Duration d) throws InterruptedException {
        sleepNanos(d.toNanos());
    }

    /** The real clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
