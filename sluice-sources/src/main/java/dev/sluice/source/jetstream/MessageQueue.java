package dev.sluice.source.jetstream;

import dev.sluice.source.jetstream.Link.Message;
import java.util.ArrayDeque;

/**
 * The whole messages a stream holds for its reader, bounded by demand: after each message the stream asks the
 * socket for the next only while the queue holds fewer than {@code maxBytes}; otherwise the queue is paused until
 * the reader drains it below the bound. So it never holds more than the bound plus one message, whatever the reader's
 * pace, and a slow reader slows the server (its socket fills) instead of growing a heap.
 *
 * <p>Not thread-safe: the stream calls it under its lock.
 */
final class MessageQueue {
    private final long maxBytes;
    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private long bytes;
    private boolean paused;

    MessageQueue(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds {@code m}; true if the stream asks for the next message now, false if it is paused at the bound. */
    boolean add(Message m) {
        messages.add(m);
        bytes += m.size();
        paused = bytes >= maxBytes;
        return !paused;
    }

    /** The oldest message, or null. */
    Message poll() {
        Message m = messages.poll();
        if (m != null) {
            bytes -= m.size();
        }
        return m;
    }

    /** Whether the queue was paused and is now below its bound: the stream should ask again (the pause ends). */
    boolean resume() {
        if (paused && bytes < maxBytes) {
            paused = false;
            return true;
        }
        return false;
    }

    /** Whether the stream has stopped asking for messages. */
    boolean paused() {
        return paused;
    }

    /** A new connection starts with demand of its own; a dropped one is owed none. */
    void unpause() {
        paused = false;
    }

    /** Whether {@code add} has just made the queue non-empty: the reader waits only on an empty queue. */
    boolean holdsOne() {
        return messages.size() == 1;
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        messages.clear();
        bytes = 0;
    }
}
