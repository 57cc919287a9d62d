package dev.sluice.sim.jetstream.internal;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.replay.Subscription;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code /subscribe} connection. Its own virtual thread walks the firehose from the subscription's start index,
 * skips what the filters do not want, waits for the clock on live events, and sends each event as one text frame
 * with a blocking write. So delivery is exactly as fast as the client reads: a client that stops reading fills the
 * TCP buffers, the write blocks, and the sender stops with nothing queued in the simulator's heap.
 *
 * <p>Helidon reads the client's frames on the connection's own thread. Its frame writer is not thread-safe, and that
 * thread writes too (the reply to a client's close), so every write happens under {@link #sendLock}, and a close
 * from the client first stops the sender. A sender blocked on a client that neither reads nor closes would hold the
 * lock for ever, so the close waits for it only briefly and otherwise closes the socket under it. Pings are
 * answered with a pong, as Jetstream's server does.
 *
 * <p>With {@code requireHello=true} in the query, as Jetstream does, the sender waits for the client's first
 * {@code {"type":"options_update","payload":{…}}} message and takes its {@code wantedCollections} and
 * {@code wantedDids} as the filters; anything else from the client in that state closes the connection, as
 * Jetstream disconnects an invalid options update.
 *
 * <p>The drop fault closes the socket with no close frame after {@code dropAfter} events, as a crashed server or a
 * cut network would.
 */
public final class Subscriber implements WsListener {
    private static final AtomicLong IDS = new AtomicLong();

    private final Feed feed;
    private final long id = IDS.incrementAndGet();
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile Subscription subscription;
    /** Counted down by the client's hello when the query asked for one; null when it did not. */
    private volatile CountDownLatch hello;
    private volatile WsSession session;
    private volatile Thread sender;
    private volatile boolean stopping;

    public Subscriber(Feed feed) {
        this.feed = feed;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        try {
            Map<String, List<String>> query = prologue.query().toMap();
            subscription = SubscribeQuery.parse(query);
            if (query.getOrDefault("requireHello", List.of()).contains("true")) {
                hello = new CountDownLatch(1);
            }
        } catch (IllegalArgumentException e) {
            // Helidon then serves the request as plain HTTP, where the simulator answers 400 with this message.
            throw new WsUpgradeException(e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        feed.opened(this);
        sender = Thread.ofVirtual().name("jetstream-subscriber-" + id).start(this::run);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        stop();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        stop();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        CountDownLatch waiting = hello;
        if (waiting == null || waiting.getCount() == 0) {
            return; // Jetstream takes later options updates too; the simulator ignores them
        }
        try {
            subscription = SubscribeQuery.hello(text, subscription);
        } catch (IllegalArgumentException e) {
            stopping = true;
            closeSocket();
            return;
        }
        waiting.countDown();
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
    }

    /**
     * Answers a ping as Jetstream's server does, so a client can tell a quiet subscription from a dead one. If the
     * sender is stuck writing, the pong could only queue behind its frames anyway; it is skipped.
     */
    @Override
    public void onPing(WsSession session, BufferData buffer) {
        try {
            if (sendLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    session.pong(buffer);
                } finally {
                    sendLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the sender; if it is stuck writing to a client that does not read, cuts the socket under it. */
    void stop() {
        stopping = true;
        boolean idle = false;
        try {
            idle = sendLock.tryLock(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (idle) {
            sendLock.unlock();
        } else {
            closeSocket();
        }
        Thread t = sender;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt(); // wakes it from waiting for a live event
        }
    }

    private void run() {
        Firehose firehose = feed.firehose();
        long sent = 0;
        try {
            CountDownLatch waiting = hello;
            if (waiting != null) {
                waiting.await();
            }
            Subscription sub = subscription;
            boolean everything = sub.dids().isEmpty() && sub.collections().isEmpty();
            for (long i = feed.startIndex(sub.cursorUs()); !stopping; i++) {
                feed.awaitTime(firehose.timeUs(i));
                Skeleton s = everything && feed.prerendered(i) ? null : firehose.skeleton(i);
                if (s != null && !wants(sub, firehose, s)) {
                    continue;
                }
                String text = feed.frame(i, s);
                sendLock.lock();
                try {
                    if (stopping) {
                        return;
                    }
                    session.send(text, true);
                } finally {
                    sendLock.unlock();
                }
                feed.sent(EventJson.utf8Length(text));
                sent++;
                long dropAfter = feed.dropAfter();
                if (dropAfter > 0 && sent >= dropAfter) {
                    feed.dropped();
                    closeSocket();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped while waiting for a live event
        } catch (RuntimeException e) {
            // the client went away mid-write (Helidon wraps the socket's IOException); nothing to tell anyone
        } finally {
            feed.closed(this);
            if (!stopping) {
                // Whatever ended this sender, the client must not wait on a connection nobody writes to.
                closeSocket();
            }
        }
    }

    private static boolean wants(Subscription sub, Firehose firehose, Skeleton s) {
        if (!sub.dids().isEmpty() && !sub.dids().contains(firehose.did(s.didIndex()))) {
            return false;
        }
        return s.kind() != Event.Kind.COMMIT || sub.wantsCollection(firehose.collection(s.collection()));
    }

    /** Closes the TCP connection with no close frame: the client sees the stream end abruptly. */
    private void closeSocket() {
        WsSession ws = session;
        if (ws == null) {
            return;
        }
        try {
            if (ws.socketContext() instanceof ConnectionContext ctx) {
                ctx.serverSocket().close();
                return;
            }
        } catch (RuntimeException e) {
            // fall through to a close frame
        }
        try {
            ws.close(WsCloseCodes.UNEXPECTED_CONDITION, "dropped");
        } catch (RuntimeException ignored) {
            // already gone
        }
    }
}
