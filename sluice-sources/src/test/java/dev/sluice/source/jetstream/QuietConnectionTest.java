package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.limit.Backoff;
import dev.sluice.replay.Subscription;
import dev.sluice.testing.FakeClock;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream's pings follow the injected clock, not the wall clock: over a real socket to a server that takes the
 * hello and then sends nothing, a frozen fake clock means no ping however long the test waits, and moving it by the
 * quiet period means a ping at once.
 */
class QuietConnectionTest {
    private static final Duration QUIET = Duration.ofMillis(100);
    /** Long enough in real time for the reader to have checked the connection several times. */
    private static final Duration SEVERAL_CHECKS = Duration.ofMillis(300);

    private final FakeClock clock = new FakeClock();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger hellos = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private WebServer server;
    private JetstreamStream stream;
    private final AtomicReference<Throwable> readerEnded = new AtomicReference<>();

    /** A server that counts connections, hellos and pings, answers pings only if {@code pongs}, and sends nothing. */
    private URI serve(boolean pongs) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/subscribe", new WsListener() {
                    @Override
                    public void onOpen(WsSession session) {
                        connections.incrementAndGet();
                    }

                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        hellos.incrementAndGet();
                    }

                    @Override
                    public void onPing(WsSession session, BufferData buffer) {
                        pings.incrementAndGet();
                        if (pongs) {
                            session.pong(buffer);
                        }
                    }
                }))
                .build().start();
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    /** Opens a stream on the fake clock and keeps a reader waiting in {@code next}, as a replay's reader does. */
    private void openAndRead(URI base) throws IOException {
        JetstreamSourceConfig config = JetstreamSourceConfig.builder(base).quietPing(QUIET)
                .reconnect(new Backoff(4, Duration.ofMillis(50), Duration.ofSeconds(1))).build();
        stream = new JetstreamEventSource(config, clock).open(Subscription.from(0));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    stream.next(Duration.ofDays(1)); // on the fake clock: until closed
                }
            } catch (IOException | InterruptedException e) {
                readerEnded.set(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> hellos.get() == 1);
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aFrozenClockSendsNoPingAndMovingItByTheQuietPeriodSendsOne() throws Exception {
        openAndRead(serve(true));
        await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(3)).until(() -> pings.get() == 0);
        clock.advanceNanos(QUIET.toNanos() - 1);
        await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(3)).until(() -> pings.get() == 0);
        clock.advanceNanos(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() == 1);
        // The pong starts the quiet over: the next ping comes one quiet period after it, and the link stays.
        clock.advanceNanos(QUIET.toNanos());
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() == 2);
        assertThat(connections.get()).isEqualTo(1);
        assertThat(stream.reconnects()).isZero();
        assertThat(readerEnded.get()).isNull();
    }

    @Test
    void aPingLeftUnansweredForTheQuietPeriodDropsTheConnectionAndTheStreamReconnects() throws Exception {
        openAndRead(serve(false));
        clock.advanceNanos(QUIET.toNanos());
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() == 1);
        clock.advanceNanos(QUIET.toNanos() - 1);
        await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(3)).until(() -> connections.get() == 1);
        clock.advanceNanos(1);
        // Given up, and re-opened from the same request (no event was delivered): the backoff sleeps on the fake
        // clock, so the reconnection is immediate.
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() == 2 && hellos.get() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.reconnects() == 1);
        assertThat(readerEnded.get()).isNull();
    }
}
