package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.replay.Subscription;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server that sends something other than a Jetstream event: the stream ends with an error that says where. */
class MalformedMessageTest {
    private static final Event GOOD = Event.identity("did:plc:abc", 1_725_000_000_000_001L,
            new Event.Identity("a.bsky.social", 1, "2024-08-30T06:40:00.000Z"), 0);

    private WebServer server;

    /** A server that sends {@code frames} (a String as text, a byte[] as binary) to each subscriber, then idles. */
    private URI serve(List<Object> frames) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/subscribe", new WsListener() {
                    @Override
                    public void onOpen(WsSession session) {
                        for (Object f : frames) {
                            if (f instanceof String text) {
                                session.send(text, true);
                            } else {
                                session.send(BufferData.create((byte[]) f), true);
                            }
                        }
                    }
                }))
                .build().start();
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anExcerptShowsTheStartOfALongMessageEscapedAndSaysHowLongItWas() {
        assertThat(MessageDecoder.excerpt("{\"a\":1}")).isEqualTo("\"{\"a\":1}\"");
        assertThat(MessageDecoder.excerpt("a\nb\u0000é😀"))
                .isEqualTo("\"a\\u000ab\\u0000é😀\"");
        String longer = "é".repeat(MessageDecoder.EXCERPT_CHARS + 1);
        assertThat(MessageDecoder.excerpt(longer))
                .isEqualTo("\"" + "é".repeat(MessageDecoder.EXCERPT_CHARS) + "\" ("
                        + 2 * (MessageDecoder.EXCERPT_CHARS + 1) + " bytes in all)");
    }

    @Test
    void aMalformedMessageNamesTheUrlTheMessageAndTheLastGoodCursor() throws Exception {
        URI base = serve(List.of(EventJson.write(GOOD), "{\"did\":\"did:plc:abc\",\"time_us\":1725000000000002}"));
        try (JetstreamStream s = new JetstreamEventSource(base, 1 << 16).open(Subscription.from(0))) {
            assertThat(s.next(Duration.ofSeconds(10)).did()).isEqualTo("did:plc:abc");
            assertThatThrownBy(() -> s.next(Duration.ofSeconds(10))).isInstanceOf(IOException.class)
                    .hasMessageContaining(base + "/subscribe?cursor=0")
                    .hasMessageContaining("message 2 (after time_us 1725000000000001)")
                    .hasMessageContaining("\"kind\"")
                    .hasMessageEndingWith("it begins \"{\"did\":\"did:plc:abc\",\"time_us\":1725000000000002}\"");
            // The stream stays failed: the caller reopens from its own checkpoint.
            assertThatThrownBy(() -> s.next(Duration.ofSeconds(1))).hasMessageContaining("message 2");
        }
    }

    @Test
    void aBinaryMessageIsAnError() throws Exception {
        URI base = serve(List.of(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}));
        try (JetstreamStream s = new JetstreamEventSource(base, 1 << 16).open(Subscription.from(0))) {
            assertThatThrownBy(() -> s.next(Duration.ofSeconds(10))).isInstanceOf(IOException.class)
                    .hasMessageContaining("message 1 is binary");
        }
    }

    @Test
    void anEventOfAnUnknownKindIsSkipped() throws Exception {
        URI base = serve(List.of("{\"did\":\"did:plc:abc\",\"time_us\":1,\"kind\":\"sync\",\"sync\":{}}",
                EventJson.write(GOOD)));
        try (JetstreamStream s = new JetstreamEventSource(base, 1 << 16).open(Subscription.from(0))) {
            assertThat(s.next(Duration.ofSeconds(10)).timeUs()).isEqualTo(GOOD.timeUs());
        }
    }
}
