package dev.sluice.source.jetstream;

import dev.sluice.limit.Backoff;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link JetstreamEventSource} connects: to which server, how many received bytes it may hold for its reader,
 * how it reconnects and how it tells a quiet connection from a dead one. Immutable; build one with
 * {@link #builder(String)}. Every setter names its command-line flag in its messages.
 *
 * @param url              the server, {@code ws://host:port}, {@code wss://…} or a full {@code …/subscribe} URL
 * @param maxBufferedBytes the stream asks the server for the next message only while it holds fewer bytes than
 *                         this, so it never holds more than this plus one message
 * @param reconnect        full-jitter backoff between reconnection attempts; {@code maxAttempts} consecutive
 *                         attempts that bring no message end the stream with an error
 * @param connectTimeout   deadline of one connection attempt, handshake included
 * @param quietPing        after this long without a frame while the stream is asking for one, it pings; with no
 *                         answer within as long again, the connection counts as dropped
 */
public record JetstreamSourceConfig(URI url, long maxBufferedBytes, Backoff reconnect, Duration connectTimeout,
                                    Duration quietPing) {

    public static final long DEFAULT_MAX_BUFFERED_BYTES = 4L << 20;

    public JetstreamSourceConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(quietPing, "quietPing");
    }

    /** A builder for the server at {@code url}, with defaults for everything else. */
    public static Builder builder(String url) {
        return new Builder().url(url);
    }

    public static Builder builder(URI url) {
        return builder(url.toString());
    }

    public static final class Builder {
        private URI url;
        private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
        private Backoff reconnect = new Backoff(8, Duration.ofMillis(250), Duration.ofSeconds(20));
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration quietPing = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder url(String url) {
            check(url != null && !url.isBlank(), "--url must name a Jetstream server, like ws://127.0.0.1:6008");
            URI u;
            try {
                u = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--url is not a URL: '" + url + "'");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            check(scheme.equals("ws") || scheme.equals("wss") || scheme.equals("http") || scheme.equals("https"),
                    "--url must be a ws:// or wss:// URL, was '" + url + "'");
            check(u.getHost() != null, "--url must name a host, was '" + url + "'");
            this.url = u;
            return this;
        }

        public Builder maxBufferedBytes(long bytes) {
            check(bytes >= 1, "--max-bytes-in-flight must be >= 1, was " + bytes);
            this.maxBufferedBytes = bytes;
            return this;
        }

        public Builder reconnect(Backoff backoff) {
            check(backoff != null, "reconnect backoff must not be null");
            this.reconnect = backoff;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            check(timeout != null && timeout.isPositive(), "--connect-timeout must be > 0, was " + timeout);
            this.connectTimeout = timeout;
            return this;
        }

        public Builder quietPing(Duration after) {
            check(after != null && after.isPositive(), "--quiet-ping must be > 0, was " + after);
            this.quietPing = after;
            return this;
        }

        public JetstreamSourceConfig build() {
            return new JetstreamSourceConfig(url, maxBufferedBytes, reconnect, connectTimeout, quietPing);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
