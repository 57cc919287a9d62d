package dev.sluice.source.jetstream;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventStream;
import dev.sluice.source.jetstream.Link.Message;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Jetstream subscription: a demand-driven WebSocket that reconnects by itself.
 *
 * <p>(Over 400 lines: the reader, the reconnecting thread and the links' callbacks share one lock and the state it
 * guards, which is kept in this one class so every access to it can be seen under the lock; what needs no lock —
 * the queue, the redelivery filter, the liveness timer, the decoder, the connector — is a class of its own.)
 *
 * <p><b>Demand.</b> The listener ({@link Link}) asks the socket for one frame at a time ({@link WebSocket#request}(1))
 * and queues whole messages; the {@link MessageQueue} stops asking at {@code maxBufferedBytes} and {@link #next} asks
 * again once it has drained it below, so the stream never holds more than the bound plus one message and a slow
 * reader slows the server instead of growing a heap. Messages are parsed on the reader's thread, in {@link #next}.
 *
 * <p><b>Reconnection.</b> A dropped connection is re-opened once the reader has taken every message it delivered,
 * from the last delivered {@code time_us} (Jetstream's cursor is inclusive), after a full-jitter backoff. What the new
 * connection re-sends is dropped ({@link RedeliveryFilter}), so the reader sees every event once, in order. A
 * connection that cannot be opened, or that brings no new event before it drops, is a failure; {@code maxAttempts}
 * consecutive failures end the stream with an {@link IOException} naming the URL and the last error.
 *
 * <p><b>Liveness.</b> While it is asking for a message, the stream pings a connection that has been quiet for
 * {@code quietPing} and gives up one that answers nothing for as long again ({@link LivenessTimer} says why
 * {@code onClose} alone is not enough). <b>Hello.</b> Every connection asks for {@code requireHello=true} and sends
 * its filters once open ({@link SubscribeRequest} says why). A message that is not a Jetstream event ends the stream
 * with an {@link IOException} naming the URL, the message's ordinal and the last good {@code time_us}
 * ({@link MessageDecoder}).
 *
 * <p>Time: every deadline, backoff and liveness decision reads the injected {@link Clock}.
 *
 * <p>Single reader: {@link #next} is called from one thread. The listeners ({@link Link}) run on the HTTP client's
 * threads and reconnection on a virtual thread of its own; they meet under {@link #lock}.
 */
public final class JetstreamStream implements EventStream {
    private final JetstreamSourceConfig config;
    private final SubscribeRequest request;
    private final HttpClient http;
    private final Clock clock;
    private final SplittableRandom random = new SplittableRandom();
    private final RedeliveryFilter redelivery = new RedeliveryFilter();
    private final Link.Inbox inbox = new Inbox();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    private final MessageQueue queue;
    private final LivenessTimer liveness;
    private Link link;
    private Throwable dropCause;
    private int droppedGeneration;
    private boolean dropCounted;
    private Thread reconnector;
    private IOException failure;
    private boolean closed;
    private int failures;
    private long reconnects;
    private int generation;

    private final MessageDecoder decoder; // the reader's own

    private JetstreamStream(JetstreamSourceConfig config, SubscribeRequest request, HttpClient http, Clock clock) {
        this.config = config;
        this.request = request;
        this.http = http;
        this.clock = clock;
        this.queue = new MessageQueue(config.maxBufferedBytes());
        this.liveness = new LivenessTimer(config.quietPing(), clock.nanoTime());
        this.decoder = new MessageDecoder(request.toString());
    }

    static JetstreamStream open(JetstreamSourceConfig config, SubscribeRequest request, HttpClient http, Clock clock)
            throws IOException {
        JetstreamStream s = new JetstreamStream(config, request, http, clock);
        try {
            s.connect(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(request + ": interrupted while connecting", e);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * The next event, waiting up to {@code timeout} on the stream's clock. Reconnects as needed while waiting.
     *
     * @return the event, or null if none arrived within the timeout
     * @throws IOException when the stream ended: reconnection gave up, a message was malformed, or it was closed
     */
    @Override
    public Event next(Duration timeout) throws IOException, InterruptedException {
        long deadline = clock.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            Message m;
            WebSocket resume = null;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new IOException(request + ": the stream is closed");
                    }
                    if (failure != null) {
                        throw new IOException(failure.getMessage(), failure.getCause());
                    }
                    m = queue.poll();
                    if (m != null) {
                        if (link != null && dropCause == null && queue.resume()) {
                            resume = link.ws;
                            liveness.heard(clock.nanoTime()); // quiet while paused was our doing, not the server's
                        }
                        break;
                    }
                    if (dropCause != null) {
                        // Everything the old connection delivered has been read: reconnect from the last event.
                        if (!dropCounted) {
                            dropCounted = true;
                            // A connection that brought no new event is a failure; one that did ends a run of them.
                            failures = redelivery.broughtNews(droppedGeneration) ? 0 : failures + 1;
                        }
                        startReconnecting();
                    } else if (link != null && link.ws != null && !queue.paused()) {
                        checkLiveness();
                    }
                    long left = deadline - clock.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    changed.awaitNanos(Math.min(left, Math.max(config.quietPing().toNanos() / 2, 1_000_000L)));
                }
            } finally {
                lock.unlock();
            }
            if (resume != null) {
                resume.request(1); // outside the lock: the socket may deliver on this very thread
            }
            Event e;
            try {
                e = decoder.decode(m, redelivery.lastUs());
            } catch (IOException malformed) {
                throw fail(malformed);
            }
            if (e == null || redelivery.redelivered(e, m.generation())) {
                continue;
            }
            redelivery.delivered(e, m.generation());
            return e;
        }
    }

    /** Bytes of whole messages received and not yet returned by {@link #next}. */
    @Override
    public long bufferedBytes() {
        lock.lock();
        try {
            return queue.bytes();
        } finally {
            lock.unlock();
        }
    }

    /** Connections re-opened after a drop. */
    public long reconnects() {
        lock.lock();
        try {
            return reconnects;
        } finally {
            lock.unlock();
        }
    }

    /** The {@code time_us} of the last event {@link #next} returned, if any: where a reconnection resumes. */
    public OptionalLong lastTimeUs() {
        return redelivery.lastUs();
    }

    /** The subscribe URL this stream was opened with. */
    public String describe() {
        return request.toString();
    }

    @Override
    public void close() {
        WebSocket ws;
        Thread r;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ws = link == null ? null : link.ws;
            link = null;
            r = reconnector;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (r != null) {
            r.interrupt();
        }
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the connection is going anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // We will not read the server's close reply (it may sit behind unread frames): cut the connection.
            ws.abort();
        }
    }

    // ---- connecting and reconnecting ----

    /** Opens a connection for {@code r}; its callbacks count once it is the stream's current link. */
    private void connect(SubscribeRequest r) throws IOException, InterruptedException {
        Link l;
        lock.lock();
        try {
            if (closed) {
                throw new IOException(request + ": the stream is closed");
            }
            l = new Link(++generation, inbox);
            link = l;
            dropCause = null;
            queue.unpause();
            liveness.heard(clock.nanoTime());
        } finally {
            lock.unlock();
        }
        try {
            l.ws = Connector.open(http, config.connectTimeout(), r, l);
        } catch (IOException e) {
            lock.lock();
            try {
                if (link == l) {
                    link = null;
                }
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Starts the reconnecting thread, unless one runs. Called under the lock. */
    private void startReconnecting() {
        if (reconnector != null || closed) {
            return;
        }
        reconnector = Thread.ofVirtual().name("jetstream-reconnect").start(this::reconnect);
    }

    private void reconnect() {
        try {
            while (true) {
                Throwable last;
                int failed;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    last = dropCause;
                    failed = failures;
                    if (failed >= config.reconnect().maxAttempts()) {
                        failure = new IOException(request + ": gave up after " + failed
                                + " consecutive failed connections; last error: " + describe(last), last);
                        changed.signalAll();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                clock.sleepNanos(config.reconnect().delayNanos(failed + 1, null, random));
                OptionalLong from = redelivery.lastUs();
                try {
                    connect(from.isPresent() ? request.from(from.getAsLong()) : request);
                    lock.lock();
                    try {
                        reconnects++;
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    return;
                } catch (IOException e) {
                    lock.lock();
                    try {
                        failures++;
                        dropCause = e;
                        dropCounted = true;
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            lock.lock();
            try {
                reconnector = null;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "none" : t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Pings a connection that has been quiet while asked for a message; drops one that does not answer. */
    private void checkLiveness() {
        long now = clock.nanoTime();
        switch (liveness.check(now)) {
            case WAIT -> { }
            case PING -> link.ping();
            case DEAD -> link.cut(new IOException("no frame and no answer to a ping for " + liveness.quietFor(now)));
        }
    }

    private IOException fail(IOException e) {
        WebSocket ws = null;
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            if (link != null) {
                ws = link.ws;
                link = null;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (ws != null) {
            ws.abort();
        }
        return e;
    }

    /** What the links report, under the lock; a link that is no longer current is ignored. */
    private final class Inbox implements Link.Inbox {
        @Override
        public boolean heard(Link from) {
            lock.lock();
            try {
                return current(from);
            } finally {
                lock.unlock();
            }
        }

        /** Whether {@code from} is the current link; if so, the quiet starts over. Called under the lock. */
        private boolean current(Link from) {
            if (link != from || closed) {
                return false;
            }
            liveness.heard(clock.nanoTime());
            return true;
        }

        @Override
        public boolean received(Link from, Message m) {
            lock.lock();
            try {
                if (!current(from)) {
                    return false;
                }
                boolean more = queue.add(m);
                if (queue.holdsOne()) {
                    changed.signalAll(); // the reader waits only on an empty queue: one wake-up per run of messages
                }
                return more;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void dropped(Link from, Throwable cause) {
            lock.lock();
            try {
                if (link != from || closed || dropCause != null) {
                    return;
                }
                dropCause = cause;
                droppedGeneration = from.generation;
                dropCounted = false;
                queue.unpause();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
