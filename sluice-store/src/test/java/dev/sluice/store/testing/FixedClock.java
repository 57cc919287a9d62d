package dev.sluice.store.testing;

import dev.sluice.time.Clock;

/** A clock that stands still at a settable instant; {@link #sleepNanos} advances it instead of blocking. */
public final class FixedClock implements Clock {
    private volatile long nanos;
    private volatile long millis;

    public FixedClock(long epochMillis) {
        this.millis = epochMillis;
    }

    public void setEpochMillis(long epochMillis) {
        this.millis = epochMillis;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return millis;
    }

    @Override
    public synchronized void sleepNanos(long n) {
        nanos += n;
        millis += n / 1_000_000;
    }
}
