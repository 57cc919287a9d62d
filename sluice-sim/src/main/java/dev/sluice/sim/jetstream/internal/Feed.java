package dev.sluice.sim.jetstream.internal;

import dev.sluice.replay.EventJson;
import dev.sluice.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every subscriber reads from: the {@link Firehose}, the clock that says which of its events have happened
 * ({@code now} is the start time plus the clock's monotonic time since start, so a fake clock drives the live tail),
 * the retention window, the drop fault and the counters.
 *
 * <p>Where a subscription starts: no cursor, or one in the future, starts at the first event not yet happened (live
 * tail); a cursor starts at the first event at or after it, but never before the oldest retained event (an older
 * cursor is clamped silently, as Jetstream does). Both are a {@link Timeline#seek}, never a scan.
 */
public final class Feed {
    private final Firehose firehose;
    private final Clock clock;
    private final long startUs;
    private final long startNanos;
    private final long retentionUs;
    private final AtomicLong dropAfter;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** The history's frames rendered once, or null: each is then made when it is sent. */
    private final String[] frames;

    public Feed(Firehose firehose, Clock clock, long retentionUs, long dropAfter) {
        this(firehose, clock, retentionUs, dropAfter, null);
    }

    /** A feed that serves the history from {@code frames} ({@link #render}), and the live tail as it comes. */
    public Feed(Firehose firehose, Clock clock, long retentionUs, long dropAfter, String[] frames) {
        this.frames = frames;
        this.firehose = firehose;
        this.clock = clock;
        this.startUs = firehose.timeline().startUs();
        this.startNanos = clock.nanoTime();
        this.retentionUs = retentionUs;
        this.dropAfter = new AtomicLong(dropAfter);
    }

    public Firehose firehose() {
        return firehose;
    }

    /** Every historical event's frame, rendered on all cores: what {@link #frame} serves from memory. */
    public static String[] render(Firehose firehose, long events) {
        String[] out = new String[Math.toIntExact(events)];
        java.util.stream.IntStream.range(0, out.length).parallel().forEach(i ->
                out[i] = new String(EventJson.writeBytes(firehose.bare(firehose.skeleton(i))), StandardCharsets.UTF_8));
        return out;
    }

    /** The text frame of event {@code i}: pre-rendered for the history when the feed has it, else made now. */
    String frame(long i, Skeleton s) {
        if (frames != null && i < frames.length) {
            return frames[(int) i];
        }
        return new String(EventJson.writeBytes(firehose.bare(s)), StandardCharsets.UTF_8);
    }

    /** Whether the history's frames are held rendered (then a subscriber with no filter needs no skeleton). */
    boolean prerendered(long i) {
        return frames != null && i < frames.length;
    }

    public long nowUs() {
        return startUs + (clock.nanoTime() - startNanos) / 1_000L;
    }

    /** The index of the oldest event a cursor can still reach. */
    public long oldestIndex() {
        return firehose.seek(nowUs() - retentionUs);
    }

    /** The index a subscription with {@code cursorUs} starts at. */
    public long startIndex(OptionalLong cursorUs) {
        long now = nowUs();
        if (cursorUs.isEmpty() || cursorUs.getAsLong() > now) {
            return firehose.seek(now);
        }
        return Math.max(firehose.seek(cursorUs.getAsLong()), firehose.seek(now - retentionUs));
    }

    /** Blocks until the clock reaches {@code timeUs} (at once for history; a fake clock moves itself). */
    void awaitTime(long timeUs) throws InterruptedException {
        for (long wait = timeUs - nowUs(); wait > 0; wait = timeUs - nowUs()) {
            clock.sleepNanos(wait * 1_000L);
        }
    }

    public long dropAfter() {
        return dropAfter.get();
    }

    public void dropAfter(long n) {
        dropAfter.set(n);
    }

    void opened(Subscriber s) {
        connections.incrementAndGet();
        subscribers.add(s);
    }

    void closed(Subscriber s) {
        subscribers.remove(s);
    }

    void sent(int bytes) {
        eventsSent.incrementAndGet();
        bytesSent.addAndGet(bytes);
    }

    void dropped() {
        drops.incrementAndGet();
    }

    public int subscribers() {
        return subscribers.size();
    }

    public long connections() {
        return connections.get();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long drops() {
        return drops.get();
    }

    /** Stops every subscriber's sender (the server closes the sockets). */
    public void stopAll() {
        for (Subscriber s : subscribers) {
            s.stop();
        }
    }
}
