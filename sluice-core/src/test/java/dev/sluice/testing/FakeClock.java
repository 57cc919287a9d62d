package dev.sluice.testing;

import dev.sluice.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, or when someone sleeps on it: {@link #sleepNanos} advances time by the
 * amount slept and returns at once. Tests of the limiter, backoff and runner use it instead of sleeping.
 */
public final class FakeClock implements Clock {
    private final AtomicLong nanos;
    private final long epochMillisAtZero;

    public FakeClock(long epochSecond) {
        this.nanos = new AtomicLong(1_000_000_000L);
        this.epochMillisAtZero = epochSecond * 1000L - 1000L;
    }

    public FakeClock() {
        this(1_700_000_000L);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return epochMillisAtZero + nanos.get() / 1_000_000L;
    }

    @Override
    public void sleepNanos(long n) {
        if (n > 0) {
            nanos.addAndGet(n);
        }
    }

    public void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    public void advanceNanos(long n) {
        nanos.addAndGet(n);
    }
}
