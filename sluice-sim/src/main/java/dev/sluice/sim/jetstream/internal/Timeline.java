package dev.sluice.sim.jetstream.internal;

/**
 * When event {@code i} happened: {@code time_us} as a pure, strictly increasing function of {@code i}, and its
 * inverse {@link #seek} by binary search, so a subscriber's cursor is found without generating or scanning events.
 *
 * <p>History ({@code i < events}) spans the {@code span} µs before {@code startUs}. Event {@code i} sits in its own
 * slot {@code [base(i), base(i + 1))}, where {@code base} is the span scaled by a warp {@code u + a·(sin(2πku + φ) −
 * sin φ)/2πk} of {@code u = i / events}: a rate that swings ±{@value #SWING} over each day, as the network's does.
 * The warp's slope is at least {@code 1 − a > 0}, so every slot is non-empty; a seeded jitter places the event
 * inside its slot but never on the slot's last µs, which is what keeps {@code time_us} strictly increasing.
 *
 * <p>The live tail ({@code i >= events}) is {@code startUs + floor((i − events) · 10⁶ / rate)}, strictly increasing
 * while {@code rate <= 500,000}.
 */
public final class Timeline {
    static final double SWING = 0.3;

    private final long events;
    private final long startUs;
    private final long spanUs;
    private final double usPerLiveEvent;
    private final int cycles;
    private final double phase;
    private final Dice dice;

    public Timeline(long events, long spanUs, long startUs, double rate, long seed) {
        this.events = events;
        this.startUs = startUs;
        this.spanUs = spanUs;
        this.usPerLiveEvent = 1e6 / rate;
        // A whole number of swings keeps the warp's end at 1, so history ends just before startUs.
        this.cycles = (int) Math.max(1, Math.round(spanUs / 86_400e6));
        this.dice = new Dice(seed);
        this.phase = dice.unit(-1, Draw.TIME_PHASE) * 2 * Math.PI;
    }

    public long startUs() {
        return startUs;
    }

    /** Historical events; {@code i >= events()} is the live tail. */
    public long events() {
        return events;
    }

    public long timeUs(long i) {
        if (i < 0) {
            throw new IllegalArgumentException("event index must be >= 0, was " + i);
        }
        if (i >= events) {
            return startUs + (long) Math.floor((i - events) * usPerLiveEvent);
        }
        long base = base(i);
        long room = base(i + 1) - base - 1; // the slot's last µs stays free
        long jitter = room > 0 ? (long) (dice.unit(i, Draw.TIME_JITTER) * room) : 0;
        return startUs - spanUs + base + jitter;
    }

    private long base(long i) {
        if (i >= events) {
            return spanUs;
        }
        double u = (double) i / events;
        double w = 2 * Math.PI * cycles;
        double warped = u + SWING * (StrictMath.sin(w * u + phase) - StrictMath.sin(phase)) / w;
        return (long) Math.floor(spanUs * warped);
    }

    /** The first event with {@code time_us >= cursorUs}; 0 for any cursor at or before the first event. */
    public long seek(long cursorUs) {
        if (events > 0 && cursorUs <= timeUs(events - 1)) {
            long lo = 0;
            long hi = events - 1; // timeUs(hi) >= cursorUs
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (timeUs(mid) >= cursorUs) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
        if (cursorUs <= startUs) {
            return events;
        }
        // Cap far-future cursors so the index arithmetic cannot overflow (about 290 years of live tail at 1 µs).
        long k = (long) Math.min(Math.ceil((cursorUs - startUs) / usPerLiveEvent), (double) (Long.MAX_VALUE >> 3));
        long i = events + k;
        while (i > events && timeUs(i - 1) >= cursorUs) {
            i--;
        }
        while (timeUs(i) < cursorUs) {
            i++;
        }
        return i;
    }
}
