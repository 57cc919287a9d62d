package dev.sluice.replay;

import java.io.IOException;

/**
 * A replayable firehose: a Jetstream WebSocket, or a recorded NDJSON file.
 *
 * <p>Implementations must be demand-driven: an {@link EventStream} holds at most its configured number of bytes of
 * received-but-unread events, and asks the transport for more only as the caller reads, so a slow reader slows the
 * server instead of growing a queue.
 */
public interface EventSource {
    /** Opens a stream for {@code subscription}. */
    EventStream open(Subscription subscription) throws IOException;

    /** Where the events come from, for messages ("ws://127.0.0.1:6008/subscribe", "events.ndjson"). */
    String describe();
}
