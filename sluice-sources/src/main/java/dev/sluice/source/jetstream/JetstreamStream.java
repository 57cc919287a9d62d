package dev.sluice.source.jetstream;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Jetstream subscription: a demand-driven WebSocket that reconnects by itself.
 *
 * <p><b>Demand.</b> The listener asks the socket for one message at a time ({@link WebSocket#request}(1)), joins a
 * message's partial frames, and queues whole messages as UTF-8 bytes. It asks for the next message only while the
 * queue holds fewer than {@code maxBufferedBytes}; otherwise it stops asking, and {@link #next} asks again once it
 * has drained the queue below the bound. So the queue never holds more than the bound plus one message, whatever the
 * reader's pace, and a slow reader slows the server (its socket fills) instead of growing a heap. Messages are parsed
 * by {@link EventJson} on the reader's thread, in {@link #next}.
 *
 * <p><b>Reconnection.</b> A dropped connection is re-opened once the reader has taken every message it delivered,
 * from the last delivered {@code time_us} (Jetstream's cursor is inclusive), after a full-jitter backoff. What the new
 * connection re-sends is dropped: events older than the last delivered one, and at its exact {@code time_us} the
 * events already delivered — so the reader sees every event once, in order. A connection that cannot be opened, or
 * that brings no new event before it drops, is a failure; {@code maxAttempts} consecutive failures end the stream
 * with an {@link IOException} naming the URL and the last error.
 *
 * <p><b>Liveness.</b> NOTE: java.net.http loses the end of a TCP stream that arrives while the listener has no demand
 * outstanding (its transport throws an {@code InternalError} on its selector thread and never calls
 * {@code onClose}); a server that closes its socket right after its last frame hits exactly that. So the stream
 * does not rely on {@code onClose} alone: while it is asking for a message and none has come for
 * {@code quietPing}, it sends a ping; a connection that answers nothing within {@code quietPing} more counts as
 * dropped. This also catches a connection that died without any TCP signal.
 *
 * <p><b>Hello.</b> NOTE: java.net.http corrupts the frame that straddles the end of the bytes it read together with the
 * handshake's {@code 101} answer: a run of bytes in the middle of that message goes missing. Jetstream (and the
 * simulator) start sending the moment the socket opens, so under load the first read holds the answer and about
 * 16 KiB of events, and the ~30th message of a fresh connection came out broken: in 4 of 1,000 runs of the reconnect
 * test beside two busy cores, none when the simulator waited 30 ms before its first frame. So every connection asks
 * for {@code requireHello=true} and sends its subscription as an {@code options_update} once open: the server sends
 * nothing until that arrives, and nothing rides in with the handshake (0 of 1,000 runs, beside the same busy cores).
 *
 * <p>A message that is not a Jetstream event ends the stream with an {@link IOException} naming the URL, the
 * message's ordinal and the last good {@code time_us}. A binary message (Jetstream sends those only when asked for
 * compression, which this client never does) is such an error too.
 *
 * <p>Single reader: {@link #next} is called from one thread. The listener runs on the HTTP client's threads and
 * reconnection on a virtual thread of its own; they meet under {@link #lock}.
 */
public final class JetstreamStream implements EventStream {
    private static final int MAX_REMEMBERED_AT_LAST = 1_024;
    /** How much of a malformed message its error shows. */
    static final int EXCERPT_CHARS = 200;

    private final JetstreamSourceConfig config;
    private final Subscription subscription;
    /** The {@code options_update} each connection sends once open: the filters never change, only the cursor. */
    private final String hello;
    private final HttpClient http;
    private final Clock clock;
    private final String describe;
    private final SplittableRandom random = new SplittableRandom();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Link link;
    private boolean paused;
    private Throwable dropCause;
    private int droppedGeneration;
    private boolean dropCounted;
    private Thread reconnector;
    private IOException failure;
    private boolean closed;
    private int failures;
    private long reconnects;
    private int generation;
    private long lastFrameNanos;
    private long pingSentNanos = -1;

    // The reader's own (next() only); lastDeliveredUs is read by the reconnector too.
    private volatile long lastDeliveredUs = Long.MIN_VALUE;
    private final List<Event> deliveredAtLast = new ArrayList<>();
    private int deliveredGeneration;
    private long messageOrdinal;

    private record Message(byte[] utf8, boolean binary, int generation) {
        int size() {
            return utf8.length;
        }
    }

    private JetstreamStream(JetstreamSourceConfig config, Subscription subscription, HttpClient http, Clock clock) {
        this.config = config;
        this.subscription = subscription;
        this.http = http;
        this.clock = clock;
        this.hello = JetstreamEventSource.hello(config.url(), subscription);
        String url = JetstreamEventSource.subscribeUri(config.url(), subscription).toString();
        this.describe = url;
    }

    static JetstreamStream open(JetstreamSourceConfig config, Subscription subscription, HttpClient http, Clock clock)
            throws IOException {
        JetstreamStream s = new JetstreamStream(config, subscription, http, clock);
        URI uri = JetstreamEventSource.subscribeUri(config.url(), subscription);
        try {
            s.connect(uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(uri + ": interrupted while connecting", e);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * The next event, waiting up to {@code timeout}. Reconnects as needed while waiting.
     *
     * @return the event, or null if none arrived within the timeout
     * @throws IOException when the stream ended: reconnection gave up, a message was malformed, or it was closed
     */
    @Override
    public Event next(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            Message m;
            WebSocket resume = null;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new IOException(describe + ": the stream is closed");
                    }
                    if (failure != null) {
                        throw new IOException(failure.getMessage(), failure.getCause());
                    }
                    m = queue.poll();
                    if (m != null) {
                        queuedBytes -= m.size();
                        if (paused && queuedBytes < config.maxBufferedBytes() && link != null && dropCause == null) {
                            paused = false;
                            resume = link.ws;
                            lastFrameNanos = System.nanoTime(); // quiet while paused was our doing, not the server's
                        }
                        break;
                    }
                    if (dropCause != null) {
                        // Everything the old connection delivered has been read: reconnect from the last event.
                        if (!dropCounted) {
                            dropCounted = true;
                            // A connection that brought no new event is a failure; one that did ends a run of them.
                            failures = deliveredGeneration == droppedGeneration ? 0 : failures + 1;
                        }
                        startReconnecting();
                    } else if (link != null && link.ws != null && !paused) {
                        checkLiveness();
                    }
                    long left = deadline - System.nanoTime();
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
            Event e = decode(m);
            if (e == null || redelivered(e, m.generation())) {
                continue;
            }
            if (e.timeUs() != lastDeliveredUs) {
                deliveredAtLast.clear();
                lastDeliveredUs = e.timeUs();
            }
            if (deliveredAtLast.size() < MAX_REMEMBERED_AT_LAST) {
                deliveredAtLast.add(e);
            }
            deliveredGeneration = m.generation();
            return e;
        }
    }

    private Event decode(Message m) throws IOException {
        messageOrdinal++;
        String where = describe + ": message " + messageOrdinal
                + (lastDeliveredUs == Long.MIN_VALUE ? "" : " (after time_us " + lastDeliveredUs + ")");
        if (m.binary()) {
            throw fail(new IOException(where + " is binary; Jetstream sends binary only when asked to compress"));
        }
        try {
            return EventJson.parse(m.utf8());
        } catch (EventJson.FormatException ex) {
            throw fail(new IOException(where + " is not a Jetstream event: " + ex.getMessage() + "; it begins "
                    + excerpt(m.utf8()), ex));
        }
    }

    /**
     * The first {@value #EXCERPT_CHARS} characters of a message, quoted, control characters escaped, and its size
     * when that is not all of it: enough to see what came instead of an event, never a whole large message.
     */
    static String excerpt(byte[] utf8) {
        String text = new String(utf8, 0, Math.min(utf8.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("\"");
        int[] shown = text.codePoints().limit(EXCERPT_CHARS).toArray();
        for (int c : shown) {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        }
        sb.append('"');
        boolean whole = utf8.length <= EXCERPT_CHARS * 4 && shown.length == text.codePointCount(0, text.length());
        return whole ? sb.toString() : sb + " (" + utf8.length + " bytes in all)";
    }

    /** Whether {@code e}, from a newer connection than the last delivered event, is one the reader already has. */
    private boolean redelivered(Event e, int fromGeneration) {
        if (fromGeneration == deliveredGeneration || lastDeliveredUs == Long.MIN_VALUE) {
            return false;
        }
        return e.timeUs() < lastDeliveredUs || e.timeUs() == lastDeliveredUs && deliveredAtLast.contains(e);
    }

    /** Bytes of whole messages received and not yet returned by {@link #next}. */
    @Override
    public long bufferedBytes() {
        lock.lock();
        try {
            return queuedBytes;
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
    public java.util.OptionalLong lastTimeUs() {
        long t = lastDeliveredUs;
        return t == Long.MIN_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    /** The subscribe URL this stream was opened with. */
    public String describe() {
        return describe;
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
            queuedBytes = 0;
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

    /** Opens a connection for {@code uri}; its callbacks count once it is the stream's current link. */
    private void connect(URI uri) throws IOException, InterruptedException {
        Link l;
        lock.lock();
        try {
            if (closed) {
                throw new IOException(describe + ": the stream is closed");
            }
            l = new Link(++generation);
            link = l;
            dropCause = null;
            paused = false;
            lastFrameNanos = System.nanoTime();
            pingSentNanos = -1;
        } finally {
            lock.unlock();
        }
        try {
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(config.connectTimeout()).buildAsync(uri, l)
                    .get(config.connectTimeout().toNanos() * 2, TimeUnit.NANOSECONDS);
            l.ws = ws;
            ws.sendText(hello, true).get(config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            WebSocket opened = l.ws;
            if (opened != null) {
                opened.abort(); // open, but the hello did not go: the server would wait for it for ever
            }
            lock.lock();
            try {
                if (link == l) {
                    link = null;
                }
            } finally {
                lock.unlock();
            }
            throw new IOException(uri + ": cannot subscribe: " + reason(e), e);
        }
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof WebSocketHandshakeException h) {
            Object body = h.getResponse().body();
            return "the server answered HTTP " + h.getResponse().statusCode()
                    + (body instanceof String s && !s.isBlank() ? ": " + s : "");
        }
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        return t.toString(); // the class says as much as the message: "java.net.ConnectException" has none
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
                        failure = new IOException(describe + ": gave up after " + failed
                                + " consecutive failed connections; last error: " + describe(last), last);
                        changed.signalAll();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                clock.sleepNanos(config.reconnect().delayNanos(failed + 1, null, random));
                long from = lastDeliveredUs;
                Subscription s = from == Long.MIN_VALUE ? subscription : subscription.withCursor(from);
                try {
                    connect(JetstreamEventSource.subscribeUri(config.url(), s));
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
        if (t == null) {
            return "none";
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Marks {@code l} dropped, if it is still the current link. */
    private void dropped(Link l, Throwable cause) {
        lock.lock();
        try {
            if (link != l || closed || dropCause != null) {
                return;
            }
            dropCause = cause;
            droppedGeneration = l.generation;
            dropCounted = false;
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Pings a connection that has been quiet while asked for a message; drops one that does not answer. */
    private void checkLiveness() {
        long now = System.nanoTime();
        long quiet = config.quietPing().toNanos();
        Link l = link;
        if (pingSentNanos < 0) {
            if (now - lastFrameNanos >= quiet) {
                pingSentNanos = now;
                try {
                    l.ws.sendPing(ByteBuffer.wrap(new byte[] {'s', 'l'})).whenComplete((ws, t) -> {
                        if (t != null) {
                            dropped(l, t);
                            l.ws.abort();
                        }
                    });
                } catch (RuntimeException e) {
                    dropped(l, e);
                    l.ws.abort();
                }
            }
        } else if (now - pingSentNanos >= quiet) {
            dropped(l, new IOException("no frame and no answer to a ping for " + Duration.ofNanos(now - lastFrameNanos)));
            l.ws.abort();
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

    /** One connection's listener. Callbacks of a link that is no longer current are ignored. */
    private final class Link implements WebSocket.Listener {
        final int generation;
        volatile WebSocket ws;
        private final StringBuilder partialText = new StringBuilder();
        private ByteBuffer partialBinary;

        Link(int generation) {
            this.generation = generation;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // Copied now: java.net.http may reuse data once this returns.
            partialText.append(data);
            if (!last) {
                if (touch()) {
                    webSocket.request(1); // the rest of this message
                }
                return null;
            }
            byte[] utf8 = partialText.toString().getBytes(StandardCharsets.UTF_8);
            partialText.setLength(0);
            if (enqueue(new Message(utf8, false, generation))) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (!last) {
                if (touch()) {
                    webSocket.request(1);
                }
                return null;
            }
            if (enqueue(new Message(new byte[0], true, generation))) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // java.net.http answers the pong itself; a ping takes one unit of demand, so ask again.
            if (touch()) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            if (touch()) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            dropped(this, new IOException("the server closed the connection (" + statusCode
                    + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            dropped(this, error);
        }

        /** Notes that a frame arrived; false if this link is no longer current (then ask for nothing more). */
        private boolean touch() {
            lock.lock();
            try {
                if (link != this || closed) {
                    return false;
                }
                lastFrameNanos = System.nanoTime();
                pingSentNanos = -1;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Queues a whole message; true if the stream wants the next one now. */
        private boolean enqueue(Message m) {
            lock.lock();
            try {
                if (link != this || closed) {
                    return false;
                }
                lastFrameNanos = System.nanoTime();
                pingSentNanos = -1;
                queue.add(m);
                queuedBytes += m.size();
                if (queue.size() == 1) {
                    changed.signalAll(); // the reader waits only on an empty queue: one wake-up per run of messages
                }
                if (queuedBytes < config.maxBufferedBytes()) {
                    return true;
                }
                paused = true;
                return false;
            } finally {
                lock.unlock();
            }
        }
    }
}
