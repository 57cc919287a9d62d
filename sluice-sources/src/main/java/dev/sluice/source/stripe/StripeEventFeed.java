package dev.sluice.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.FeedPage;
import dev.sluice.time.TimeRange;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's {@code GET /v1/events} as a {@link ChangeFeed}: the event types of the synced resources, asked for with
 * {@code types[]} in groups of at most 20 (one {@link #parts() part} per group), over {@code created[gte]} /
 * {@code created[lt]}, 100 a page, newest first.
 */
final class StripeEventFeed implements ChangeFeed {
    private final StripeHttp http;
    private final List<List<String>> groups;

    StripeEventFeed(StripeHttp http, List<String> resources) {
        this.http = http;
        this.groups = StripeEventTypes.requestGroups(StripeEventTypes.forResources(resources));
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("--resources: no event types are known for " + resources);
        }
    }

    @Override
    public int parts() {
        return groups.size();
    }

    /** The event types part {@code part} asks for. */
    List<String> types(int part) {
        return groups.get(part);
    }

    @Override
    public FeedPage fetch(int part, TimeRange window, String startingAfter) throws SourceException, InterruptedException {
        StringBuilder q = new StringBuilder("limit=100")
                .append("&created%5Bgte%5D=").append(window.gte())
                .append("&created%5Blt%5D=").append(window.lt());
        for (String type : groups.get(part)) {
            q.append("&types%5B%5D=").append(type);
        }
        if (startingAfter != null) {
            q.append("&starting_after=").append(URLEncoder.encode(startingAfter, StandardCharsets.UTF_8));
        }
        URI uri = http.uri("/v1/events?" + q);
        JsonNode body = http.get(uri);
        JsonNode data = body.get("data");
        if (data == null || !data.isArray() || !body.has("has_more")) {
            throw new SourceException(Kind.TRANSPORT, 200, "GET " + uri + ": the answer is not a list object");
        }
        List<FeedEvent> events = new ArrayList<>(data.size());
        for (JsonNode e : data) {
            events.add(StripeEvents.read(e).orElseThrow(() -> new SourceException(Kind.CLIENT_ERROR, 200,
                    "GET " + uri + ": an event without a string id, a type or an integer created: "
                            + http.abbreviate(e))));
        }
        return new FeedPage(events, body.get("has_more").asBoolean());
    }
}
