package dev.sluice.source.file;

import dev.sluice.ingest.Line;
import dev.sluice.ingest.NdjsonReader;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A recorded firehose as an {@link EventSource}: a file with one Jetstream JSON event per line, as the Jetstream
 * simulator sends them and {@link EventJson#write} writes them ({@code sluice replay file events.ndjson}).
 *
 * <p>Each {@link #open} reads the file from its start with core's byte-level {@link NdjsonReader} (strict UTF-8,
 * line numbers that count blank lines, an over-long line detected without holding it) and parses each line with
 * {@link EventJson#parse}. It returns, in file order, the events the subscription wants ({@link Subscription#wants})
 * whose {@code time_us} is at or after its cursor (no cursor: the whole file); blank lines and events of a kind this
 * version does not know are skipped. At the end of the file {@link EventStream#next} throws
 * {@link EventStream.EndOfStream}.
 *
 * <p><b>Bounded by construction.</b> A line is read only when {@code next} asks for an event: what the stream holds
 * is the reader's read-ahead (at most 64 KiB, {@link EventStream#bufferedBytes}) and one line buffer that grows to
 * the longest line read, at most {@code maxLineBytes}.
 *
 * <p><b>Errors.</b> A malformed line — bad UTF-8, over {@code maxLineBytes}, not JSON, a missing or mistyped field —
 * fails {@code next} with an {@link IOException} naming the file, the line and the problem
 * ({@code events.ndjson line 17: "commit.rev" must be a string}); the events before it were returned, and every later
 * call fails the same way. A file is not resumed past a bad line: fix the line, or cut the file.
 */
public final class NdjsonEventFile implements EventSource {
    /** The longest line read as an event by default; Jetstream's events average ~480 bytes. */
    public static final int DEFAULT_MAX_LINE_BYTES = 2 * 1024 * 1024;

    /** Skipped lines between checks of {@code next}'s deadline, so a poll with a zero timeout still finds an event. */
    static final int LINES_PER_DEADLINE_CHECK = 256;

    private final Path file;
    private final int maxLineBytes;

    public NdjsonEventFile(Path file) {
        this(file, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * @param maxLineBytes the longest line, in bytes without its line ending, read as an event
     */
    public NdjsonEventFile(Path file, int maxLineBytes) {
        this.file = Objects.requireNonNull(file, "file");
        if (maxLineBytes < 1 || maxLineBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxLineBytes must be in [1, " + (Integer.MAX_VALUE - 1) + "], was "
                    + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Opens the file from its start.
     *
     * @throws IOException naming the file if it is missing or unreadable
     */
    @Override
    public EventStream open(Subscription subscription) throws IOException {
        Objects.requireNonNull(subscription, "subscription");
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException(describe() + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(describe() + ": cannot open: " + e.getMessage(), e);
        }
        return new FileStream(describe(), in, new NdjsonReader(in, maxLineBytes), subscription);
    }

    /** The path as given, which is how messages name the file. */
    @Override
    public String describe() {
        return file.toString();
    }

    /** One pass over the file. Single reader, as {@link EventStream} requires. */
    private static final class FileStream implements EventStream {
        private final String name;
        private final InputStream in;
        private final NdjsonReader reader;
        private final Subscription subscription;
        private final long cursorUs;
        private String failure;
        private boolean ended;
        private boolean closed;

        FileStream(String name, InputStream in, NdjsonReader reader, Subscription subscription) {
            this.name = name;
            this.in = in;
            this.reader = reader;
            this.subscription = subscription;
            this.cursorUs = subscription.cursorUs().orElse(Long.MIN_VALUE);
        }

        /**
         * The next wanted event. The timeout matters only while unwanted lines are skipped: reading a file does not
         * wait for events to arrive, but a long run of filtered-out lines gives the caller back {@code null} at the
         * deadline (checked every {@value #LINES_PER_DEADLINE_CHECK} lines) so it can look at its own state.
         */
        @Override
        public Event next(Duration timeout) throws IOException, InterruptedException {
            if (closed) {
                throw new IOException(name + " is closed");
            }
            if (failure != null) {
                throw new IOException(failure);
            }
            if (ended) {
                throw new EndOfStream(name + ": end of file");
            }
            long budget = timeout.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : Math.max(0, timeout.toNanos());
            long start = System.nanoTime();
            for (int skipped = 1; ; skipped++) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("reading " + name + " was interrupted");
                }
                Event e = read();
                if (e != null) {
                    return e;
                }
                if (skipped % LINES_PER_DEADLINE_CHECK == 0 && System.nanoTime() - start >= budget) {
                    return null;
                }
            }
        }

        /** The next line's event if it is wanted, else null; throws at the end and on a bad line. */
        private Event read() throws IOException {
            Line line;
            try {
                line = reader.next();
            } catch (IOException e) {
                throw fail(name + ": read failed after line " + reader.lineNumber() + ": " + e.getMessage(), e);
            }
            if (line == null) {
                ended = true;
                throw new EndOfStream(name + ": end of file after line " + reader.lineNumber());
            }
            if (line.kind() != Line.Kind.RECORD) {
                throw fail(name + " line " + line.number() + ": " + line.problem(), null);
            }
            Event e;
            try {
                e = EventJson.parse(line.bytes(), 0, (int) line.byteLength());
            } catch (EventJson.FormatException ex) {
                throw fail(name + " line " + line.number() + ": " + ex.getMessage(), null);
            }
            if (e == null || e.timeUs() < cursorUs || !subscription.wants(e)) {
                return null;
            }
            return e;
        }

        private IOException fail(String message, Throwable cause) {
            failure = message;
            return new IOException(message, cause);
        }

        @Override
        public long bufferedBytes() {
            return closed ? 0 : reader.bufferedBytes();
        }

        /** Closes the file; idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                in.close();
            } catch (IOException e) {
                // Read-only: nothing was promised that a failed close could break.
            }
        }
    }
}
