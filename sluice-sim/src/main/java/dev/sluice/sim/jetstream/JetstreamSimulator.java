package dev.sluice.sim.jetstream;

import dev.sluice.replay.Event;
import dev.sluice.sim.jetstream.internal.Feed;
import dev.sluice.sim.jetstream.internal.Firehose;
import dev.sluice.sim.jetstream.internal.SubscribeQuery;
import dev.sluice.sim.jetstream.internal.Subscriber;
import dev.sluice.time.Clock;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bluesky Jetstream-compatible firehose over a real WebSocket ({@code GET /subscribe?wantedCollections=…&
 * wantedDids=…&cursor=…}), so a replay can be tested and benchmarked without the network.
 *
 * <p>The data is a pure function of the config (see {@link JetstreamSimConfig} and {@link #event}): event {@code i}
 * is made on demand from {@code (seed, i)}, so a million events cost no memory, and the same config serves the same
 * bytes. Events {@code 0..events-1} are history, spread over the {@code hours} before the start time; from there on
 * it is the live tail, one event every {@code 1/rate} s, each sent when the clock reaches its {@code time_us}.
 *
 * <p>As Jetstream: no cursor (or one in the future) is the live tail; a cursor replays from the first event at or
 * after it and continues into the live tail with no gap; a cursor older than the retention is clamped silently to
 * the oldest retained event. Identity and account events pass whatever {@code wantedCollections} says.
 *
 * <p>With {@code prerender}, the history's frames are made once at start (on every core) and served from memory, so
 * that serving them costs little more than the socket: a benchmark's source that takes no CPU from what it measures.
 *
 * <p>Each subscriber has its own virtual thread that makes and sends its events with blocking writes, so delivery is
 * only as fast as the client reads and a client that stops reading stalls its sender with nothing held in the heap.
 * A bad query gets HTTP 400 naming the parameter.
 *
 * <p>NOTE: Helidon's WebSocket modules are at 4.3.1 on top of its 4.5.0 server (the registry holds no 4.5.0 build
 * of them); {@code JetstreamSimulatorTest} is what shows the two work together.
 */
public final class JetstreamSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JetstreamSimulator.class);

    private final JetstreamSimConfig config;
    private final Feed feed;
    private final WebServer server;

    private JetstreamSimulator(JetstreamSimConfig config, Feed feed, WebServer server) {
        this.config = config;
        this.feed = feed;
        this.server = server;
    }

    /** Starts on the system clock. */
    public static JetstreamSimulator start(JetstreamSimConfig config) {
        return start(config, Clock.system());
    }

    /**
     * Starts listening. The live tail follows {@code clock}: with a fake clock, a sender waiting for a live event
     * sleeps on it, which moves it, so live events come as fast as the client reads.
     *
     * @throws IllegalStateException if it cannot listen on the configured address and port
     */
    public static JetstreamSimulator start(JetstreamSimConfig config, Clock clock) {
        long startUs = config.startUs().orElseGet(() -> clock.epochMillis() * 1_000L);
        Firehose firehose = new Firehose(config.events(), config.hours() * 3_600_000_000L, startUs, config.rate(),
                config.dids(), config.collections(), config.seed());
        String[] frames = config.prerender() ? Feed.render(firehose, config.events()) : null;
        Feed feed = new Feed(firehose, clock, config.retention().toNanos() / 1_000L, config.dropAfter(), frames);
        WebServer server = WebServer.builder()
                .host(config.bindAddress())
                .port(config.port())
                // A subscriber only reads; Helidon would otherwise close its connection as idle after 5 minutes.
                .idleConnectionTimeout(Duration.ofDays(365))
                .shutdownGracePeriod(Duration.ofMillis(200))
                .routing(r -> r.get("/subscribe", (req, res) -> {
                    // Only requests that were not upgraded land here: a plain GET, or a query the upgrade refused.
                    String message;
                    try {
                        SubscribeQuery.parse(req.query().toMap());
                        message = "/subscribe is a WebSocket endpoint: send an Upgrade: websocket request";
                    } catch (IllegalArgumentException e) {
                        message = e.getMessage();
                    }
                    res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                            .send(message);
                }))
                .addRouting(WsRouting.builder().endpoint("/subscribe", () -> new Subscriber(feed)))
                .build()
                .start();
        if (!server.isRunning()) { // Helidon logs a failed bind and does not throw: say so, rather than serve nothing
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port());
        }
        JetstreamSimulator sim = new JetstreamSimulator(config, feed, server);
        LOG.info("Jetstream simulator on {} with {} events over {} h (seed {}), then {} events/s live", sim.uri(),
                config.events(), config.hours(), config.seed(), config.rate());
        return sim;
    }

    /** The subscribe endpoint, e.g. {@code ws://127.0.0.1:6008/subscribe}. */
    public URI uri() {
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        return URI.create("ws://" + host + ":" + port() + "/subscribe");
    }

    public int port() {
        return server.port();
    }

    public JetstreamSimConfig config() {
        return config;
    }

    /** Event {@code i}: history for {@code i < events}, the live tail after. {@code sizeBytes} is its JSON's length. */
    public Event event(long i) {
        return feed.firehose().event(i);
    }

    /** The {@code time_us} of event {@code i}, without making the event. */
    public long timeUs(long i) {
        return feed.firehose().timeUs(i);
    }

    /** The index of the first event at or after {@code cursorUs}: how many events come before that cursor. */
    public long index(long cursorUs) {
        return feed.firehose().seek(cursorUs);
    }

    /** The first event of the live tail, where history ends: the simulator's start time. */
    public long startUs() {
        return feed.firehose().timeline().startUs();
    }

    /** The simulator's clock now, in unix µs: live events with {@code time_us} up to this have been due. */
    public long nowUs() {
        return feed.nowUs();
    }

    /** The {@code time_us} of the oldest event a cursor can reach now; an older cursor is clamped to it. */
    public long oldestUs() {
        return feed.firehose().timeUs(feed.oldestIndex());
    }

    /**
     * Every event with {@code fromUs <= time_us < untilUs}, history and live tail alike, in order: what a subscriber
     * with no filters and the cursor {@code fromUs} gets, before clamping to the retention. Made lazily.
     */
    public Iterator<Event> events(long fromUs, long untilUs) {
        Firehose firehose = feed.firehose();
        long first = firehose.seek(fromUs);
        return new Iterator<>() {
            private long next = first;

            @Override
            public boolean hasNext() {
                return firehose.timeUs(next) < untilUs;
            }

            @Override
            public Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return firehose.event(next++);
            }
        };
    }

    public Stats stats() {
        return new Stats(feed.subscribers(), feed.connections(), feed.eventsSent(), feed.bytesSent(), feed.drops());
    }

    /** From now on, every subscriber's socket is cut abruptly after {@code n} events on it (0: never). */
    public void dropAfter(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("--drop-after must be >= 0 (0: never), was " + n);
        }
        feed.dropAfter(n);
    }

    /** Stops listening and cuts every subscriber. */
    @Override
    public void close() {
        feed.stopAll();
        server.stop();
    }
}
