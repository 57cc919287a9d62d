package dev.sluice.sim.jetstream.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.replay.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code /subscribe}'s query as Jetstream does: {@code wantedCollections} and {@code wantedDids} may repeat,
 * a collection may end in {@code .*} (every NSID under that prefix), {@code cursor} is unix microseconds. Other
 * parameters ({@code compress}, …) are ignored; {@code requireHello} is the {@link Subscriber}'s, and its hello is
 * read by {@link #hello}. A bad value is an {@link IllegalArgumentException}
 * whose message names the parameter; the simulator answers it with HTTP 400.
 */
public final class SubscribeQuery {
    /** Jetstream's own limits. */
    static final int MAX_COLLECTIONS = 100;
    static final int MAX_DIDS = 10_000;

    private static final Pattern COLLECTION = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*(\\.[a-zA-Z0-9-]+)*(\\.\\*|\\.[a-zA-Z0-9-]+)");
    private static final Pattern DID = Pattern.compile("did:[a-z]+:[a-zA-Z0-9._:%-]+");

    private SubscribeQuery() {
    }

    public static Subscription parse(Map<String, List<String>> query) {
        Set<String> collections = values(query, "wantedCollections", COLLECTION, MAX_COLLECTIONS,
                "an NSID like app.bsky.feed.like or a prefix like app.bsky.feed.*");
        Set<String> dids = values(query, "wantedDids", DID, MAX_DIDS, "a DID like did:plc:…");
        OptionalLong cursor = OptionalLong.empty();
        List<String> cursors = query.getOrDefault("cursor", List.of());
        if (cursors.size() > 1) {
            throw new IllegalArgumentException("cursor may be given once, was given " + cursors.size() + " times");
        }
        if (!cursors.isEmpty() && !cursors.get(0).isBlank()) {
            try {
                cursor = OptionalLong.of(Long.parseLong(cursors.get(0).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cursor must be an integer of unix microseconds, was '"
                        + cursors.get(0) + "'");
            }
        }
        return new Subscription(cursor, collections, dids);
    }

    /**
     * The subscription after the client's hello, {@code {"type":"options_update","payload":{"wantedCollections":[…],
     * "wantedDids":[…]}}}: its filters replace the query's, the cursor stays. Anything else is an
     * {@link IllegalArgumentException}.
     */
    public static Subscription hello(String text, Subscription current) {
        JsonNode m;
        try {
            m = HELLO_JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the hello is not JSON: " + e.getOriginalMessage());
        }
        if (m == null || !"options_update".equals(m.path("type").asText()) || !m.path("payload").isObject()) {
            throw new IllegalArgumentException("the hello must be {\"type\":\"options_update\",\"payload\":{…}}");
        }
        Map<String, List<String>> query = new HashMap<>();
        for (String field : List.of("wantedCollections", "wantedDids")) {
            List<String> values = new ArrayList<>();
            m.path("payload").path(field).forEach(v -> values.add(v.asText()));
            query.put(field, values);
        }
        Subscription filters = parse(query);
        return new Subscription(current.cursorUs(), filters.collections(), filters.dids());
    }

    private static final ObjectMapper HELLO_JSON = new ObjectMapper();

    private static Set<String> values(Map<String, List<String>> query, String name, Pattern shape, int max,
                                      String expected) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : query.getOrDefault(name, List.of())) {
            if (v.isBlank()) {
                continue;
            }
            if (!shape.matcher(v).matches()) {
                throw new IllegalArgumentException(name + " must be " + expected + ", was '" + v + "'");
            }
            out.add(v);
        }
        if (out.size() > max) {
            throw new IllegalArgumentException(name + " may name at most " + max + " values, named " + out.size());
        }
        return out;
    }
}
