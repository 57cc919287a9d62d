package dev.sluice.source.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Requests;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import dev.sluice.sync.Change;
import dev.sluice.sync.ObjectReader;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Single Stripe objects: a retrieve by id ({@code GET /v1/<resource>/<id>}) to settle a tie, and the rest of an
 * invoice's lines ({@code GET /v1/invoices/<id>/lines}) when its embedded list says {@code has_more}.
 *
 * <p>A retrieve of a deleted object is a deletion, not a failure: Stripe answers a deleted customer with
 * {@code {id, object, deleted: true}}, and a deleted product, price or invoice with 404 {@code resource_missing}.
 */
final class StripeObjects implements ObjectReader, NestedLists {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,255}");

    private final StripeHttp http;
    private final Clock clock;

    StripeObjects(StripeHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Change read(String stream, String id) throws SourceException, InterruptedException {
        URI uri = http.uri("/v1/" + stream + "/" + checkId(id));
        Optional<JsonNode> answer = http.getUnlessMissing(uri);
        long received = clock.epochMillis();
        if (answer.isEmpty() || answer.get().path("deleted").asBoolean(false)) {
            return Change.gone(stream, id, received);
        }
        JsonNode o = answer.get();
        JsonNode created = o.get("created");
        if (!id.equals(o.path("id").asText()) || created == null || !created.canConvertToLong()) {
            throw new SourceException(Kind.CLIENT_ERROR, 200, "GET " + uri + ": not the object asked for: "
                    + http.abbreviate(o));
        }
        return Change.copy(stream, id, created.asLong(), received, o.toString());
    }

    /**
     * An invoice whose {@code lines.has_more} is true gets the rest of its lines, 100 a page after the last one it
     * holds, and {@code has_more: false}. An invoice deleted meanwhile (404) stays as it was: its deletion follows.
     */
    @Override
    public String complete(String stream, String id, String json, Requests requests)
            throws FetchFailure, InterruptedException {
        // The cheap test first: Jackson writes compact JSON, so a truncated list shows this exact text.
        if (!stream.equals("invoices") || !json.contains("\"has_more\":true")) {
            return json;
        }
        ObjectNode invoice;
        try {
            invoice = (ObjectNode) http.mapper().readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            return json;
        }
        JsonNode lines = invoice.get("lines");
        if (!(lines instanceof ObjectNode list) || !list.path("has_more").asBoolean(false)
                || !(list.get("data") instanceof ArrayNode data)) {
            return json;
        }
        boolean more = true;
        while (more) {
            String after = data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText(null);
            URI uri = http.uri("/v1/invoices/" + checkId(id) + "/lines?limit=100"
                    + (after == null ? "" : "&starting_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            Optional<JsonNode> page = requests.send("GET " + uri.getPath() + (after == null ? "" : " after " + after),
                    () -> http.getUnlessMissing(uri));
            if (page.isEmpty()) {
                return json;
            }
            JsonNode items = page.get().get("data");
            if (items == null || !items.isArray()) {
                return json;
            }
            items.forEach(data::add);
            more = page.get().path("has_more").asBoolean(false) && !items.isEmpty();
        }
        list.put("has_more", false);
        return invoice.toString();
    }

    private static String checkId(String id) throws IllegalArgumentException {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a Stripe object id");
        }
        return id;
    }
}
