package dev.sluice.source.jetstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.Subscription;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Bluesky Jetstream server ({@code GET /subscribe} over WebSocket) as an {@link EventSource}: each
 * {@link #open} is one {@link JetstreamStream}, demand-driven, reconnecting by itself.
 *
 * <p>The subscription becomes Jetstream's query: one {@code wantedCollections} per collection (a {@code .*} prefix
 * is passed on as is), one {@code wantedDids} per DID, {@code cursor} in unix µs. Filtering happens on the server.
 */
public final class JetstreamEventSource implements EventSource {
    private static final Set<String> OWN_PARAMETERS = Set.of("wantedCollections", "wantedDids", "cursor",
            "requireHello");

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
        return JetstreamStream.open(config, subscription, http, clock);
    }

    /** The subscribe endpoint without a query, e.g. {@code ws://127.0.0.1:6008/subscribe}. */
    @Override
    public String describe() {
        URI u = subscribeUri(config.url(), new Subscription(java.util.OptionalLong.empty(), Set.of(), Set.of()));
        String s = u.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    public JetstreamSourceConfig config() {
        return config;
    }

    /**
     * The {@code /subscribe} URL for {@code subscription} on the server {@code base}: {@code http(s)} becomes
     * {@code ws(s)}, a path not ending in {@code /subscribe} gets it appended, and the base's own query is kept
     * except for the parameters the subscription sets. It always asks for {@code requireHello=true}: see
     * {@link JetstreamStream} for why.
     */
    public static URI subscribeUri(URI base, Subscription subscription) {
        String scheme = base.getScheme().toLowerCase(Locale.ROOT);
        scheme = switch (scheme) {
            case "http" -> "ws";
            case "https" -> "wss";
            default -> scheme;
        };
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (!path.endsWith("/subscribe")) {
            path = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/subscribe";
        }
        List<String> query = new ArrayList<>();
        if (base.getRawQuery() != null) {
            for (String pair : base.getRawQuery().split("&")) {
                String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
                if (!pair.isEmpty() && !OWN_PARAMETERS.contains(name)) {
                    query.add(pair);
                }
            }
        }
        for (String c : new TreeSet<>(subscription.collections())) {
            query.add("wantedCollections=" + encode(c));
        }
        for (String d : new TreeSet<>(subscription.dids())) {
            query.add("wantedDids=" + encode(d));
        }
        subscription.cursorUs().ifPresent(c -> query.add("cursor=" + c));
        // The server streams only after our hello (JetstreamStream sends it), never in the handshake's wake.
        query.add("requireHello=true");
        String authority = base.getRawAuthority();
        return URI.create(scheme + "://" + authority + path + (query.isEmpty() ? "" : "?" + String.join("&", query)));
    }

    /**
     * The {@code options_update} that starts a {@code requireHello} subscription on {@code base}: the same filters as
     * {@link #subscribeUri}'s query, and the base URL's {@code maxMessageSizeBytes} if it sets one (an update replaces
     * all three; 0 is no limit).
     */
    static String hello(URI base, Subscription subscription) {
        long maxSize = 0;
        if (base.getRawQuery() != null) {
            for (String pair : base.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals("maxMessageSizeBytes")) {
                    try {
                        maxSize = Long.parseLong(URLDecoder.decode(kv[1], StandardCharsets.UTF_8).trim());
                    } catch (NumberFormatException e) {
                        maxSize = 0; // the server answers a bad one itself, at the handshake
                    }
                }
            }
        }
        ObjectNode hello = HELLO_JSON.createObjectNode().put("type", "options_update");
        ObjectNode payload = hello.putObject("payload");
        new TreeSet<>(subscription.collections()).forEach(payload.putArray("wantedCollections")::add);
        new TreeSet<>(subscription.dids()).forEach(payload.putArray("wantedDids")::add);
        payload.put("maxMessageSizeBytes", maxSize);
        return hello.toString();
    }

    private static final ObjectMapper HELLO_JSON = new ObjectMapper();

    private static String encode(String s) {
        // DIDs keep their colons for readability; URLEncoder escapes them needlessly (it keeps "*" as it is).
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":");
    }
}
