package dev.sluice.source.jetstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.replay.Subscription;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one connection asks of a Jetstream server: the {@code /subscribe} URL, whose query carries the filters, the
 * cursor and {@code requireHello=true}, and the {@code options_update} hello sent once the socket is open. Both come from the same subscription, so they
 * always name the same filters; a reconnection changes only the cursor ({@link #from}). Immutable.
 *
 * <p>NOTE: java.net.http corrupts the frame that straddles the end of the bytes it read together with the
 * handshake's {@code 101} answer: a run of bytes in the middle of that message goes missing. Jetstream (and the
 * simulator) start sending the moment the socket opens, so under load the first read holds the answer and about
 * 16 KiB of events, and the ~30th message of a fresh connection came out broken: in 4 of 1,000 runs of the reconnect
 * test beside two busy cores, none when the simulator waited 30 ms before its first frame. So every connection asks
 * for {@code requireHello=true} and sends its subscription as an {@code options_update} once open: the server sends
 * nothing until that arrives, and nothing rides in with the handshake (0 of 1,000 runs, beside the same busy cores).
 *
 * <p>The subscription becomes Jetstream's query: one {@code wantedCollections} per collection (a {@code .*} prefix
 * is passed on as is), one {@code wantedDids} per DID, {@code cursor} in unix µs.
 */
final class SubscribeRequest {
    private static final Set<String> OWN_PARAMETERS = Set.of("wantedCollections", "wantedDids", "cursor",
            "requireHello");
    private static final ObjectMapper HELLO_JSON = new ObjectMapper();

    private final URI base;
    private final Subscription subscription;
    private final URI uri;
    private final String hello;

    private SubscribeRequest(URI base, Subscription subscription, String hello) {
        this.base = base;
        this.subscription = subscription;
        this.uri = uri(base, subscription);
        this.hello = hello;
    }

    /**
     * The request for {@code subscription} on the server {@code base}: {@code http(s)} becomes {@code ws(s)}, a path
     * not ending in {@code /subscribe} gets it appended, and the base's own query is kept except for the parameters
     * the subscription sets.
     */
    static SubscribeRequest of(URI base, Subscription subscription) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(subscription, "subscription");
        return new SubscribeRequest(base, subscription, hello(base, subscription));
    }

    /** The same request resuming at {@code cursorUs} (inclusive): same filters, same hello. */
    SubscribeRequest from(long cursorUs) {
        return new SubscribeRequest(base, subscription.withCursor(cursorUs), hello);
    }

    /** The URL to open, with the whole query. */
    URI uri() {
        return uri;
    }

    /**
     * The {@code options_update} that starts the subscription: the same filters as the query, and the base URL's
     * {@code maxMessageSizeBytes} if it sets one (an update replaces all three; 0 is no limit).
     */
    String hello() {
        return hello;
    }

    /** The endpoint without a query, e.g. {@code ws://127.0.0.1:6008/subscribe}: the server, for messages. */
    static String endpoint(URI base) {
        String s = uri(base, new Subscription(OptionalLong.empty(), Set.of(), Set.of())).toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    private static URI uri(URI base, Subscription subscription) {
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
        query.add("requireHello=true"); // the server streams only after the hello, never in the handshake's wake
        return URI.create(scheme + "://" + base.getRawAuthority() + path + "?" + String.join("&", query));
    }

    private static String hello(URI base, Subscription subscription) {
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

    private static String encode(String s) {
        // DIDs keep their colons for readability; URLEncoder escapes them needlessly (it keeps "*" as it is).
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":");
    }
}
