package dev.sluice.testing;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A firehose in memory: the events of a list in order, from the subscription's cursor, filtered like Jetstream
 * (server side). {@link #delivered()} counts events handed out, so a test can see a reader stop reading.
 * With {@code endless} false, the end of the list is the end of the stream (like a file); with it true, the stream
 * then idles (returns null) like a quiet live tail.
 */
public final class ListEventSource implements EventSource {
    private final List<Event> events;
    private final boolean endless;
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();

    public ListEventSource(List<Event> events, boolean endless) {
        this.events = List.copyOf(events);
        this.endless = endless;
    }

    public int delivered() {
        return delivered.get();
    }

    public int opened() {
        return opened.get();
    }

    @Override
    public EventStream open(Subscription sub) {
        opened.incrementAndGet();
        int start = 0;
        if (sub.cursorUs().isPresent()) {
            long cursor = sub.cursorUs().getAsLong();
            while (start < events.size() && events.get(start).timeUs() < cursor) {
                start++;
            }
        }
        int first = start;
        return new EventStream() {
            int next = first;

            @Override
            public Event next(Duration timeout) throws EndOfStream, InterruptedException {
                while (next < events.size()) {
                    Event e = events.get(next++);
                    if (sub.wants(e)) {
                        delivered.incrementAndGet();
                        return e;
                    }
                }
                if (!endless) {
                    throw new EndOfStream("end of list");
                }
                Thread.sleep(Math.min(timeout.toMillis(), 5)); // an idle live tail: nothing arrives
                return null;
            }

            @Override
            public long bufferedBytes() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public String describe() {
        return "list of " + events.size() + " events";
    }
}
