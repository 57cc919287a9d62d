package dev.sluice.source.jetstream;

import dev.sluice.replay.EventSource;
import dev.sluice.replay.Subscription;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Objects;

/**
 * A Bluesky Jetstream server ({@code GET /subscribe} over WebSocket) as an {@link EventSource}: each
 * {@link #open} is one {@link JetstreamStream}, demand-driven, reconnecting by itself.
 *
 * <p>Each connection asks what its {@link SubscribeRequest} says; filtering happens on the server.
 */
public final class JetstreamEventSource implements EventSource {
    private final JetstreamSourceConfig config;
    private final Clock clock;
    private final HttpClient http;

    public JetstreamEventSource(JetstreamSourceConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    }

    /** The server at {@code url}, holding at most {@code maxBufferedBytes} (plus one message) for the reader. */
    public JetstreamEventSource(URI url, long maxBufferedBytes) {
        this(JetstreamSourceConfig.builder(url).maxBufferedBytes(maxBufferedBytes).build(), Clock.system());
    }

    /**
     * Connects and returns the stream; the first connection is tried once, so a wrong URL fails here.
     *
     * @throws IOException naming the URL, when the server cannot be reached or refuses the subscription
     */
    @Override
    public JetstreamStream open(Subscription subscription) throws IOException {
        return JetstreamStream.open(config, SubscribeRequest.of(config.url(), subscription), http, clock);
    }

    /** The subscribe endpoint without a query, e.g. {@code ws://127.0.0.1:6008/subscribe}. */
    @Override
    public String describe() {
        return SubscribeRequest.endpoint(config.url());
    }

    public JetstreamSourceConfig config() {
        return config;
    }
}
