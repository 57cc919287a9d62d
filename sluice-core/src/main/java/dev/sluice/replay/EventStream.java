package dev.sluice.replay;

import java.io.IOException;
import java.time.Duration;

/**
 * One open subscription. Single reader: {@link #next} is called from one thread.
 */
public interface EventStream extends AutoCloseable {
    /**
     * The next event, waiting up to {@code timeout} for one.
     *
     * @return the event, or null when none arrived within the timeout
     * @throws EndOfStream when the source has no more events and never will (the end of a file)
     * @throws IOException when the connection failed or a message could not be read; the message names the source
     *         (and the line, for a file). The caller may reopen from its last cursor.
     */
    Event next(Duration timeout) throws IOException, InterruptedException;

    /** Bytes received and not yet returned by {@link #next}: what the stream holds for its reader. */
    long bufferedBytes();

    @Override
    void close();

    /** The source is exhausted. */
    final class EndOfStream extends IOException {
        private static final long serialVersionUID = 1L;

        public EndOfStream(String message) {
            super(message);
        }
    }
}
