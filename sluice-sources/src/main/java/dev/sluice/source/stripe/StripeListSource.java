package dev.sluice.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Stripe's list API ({@code GET /v1/<resource>?limit&starting_after&created[gte]&created[lt]}) as a
 * {@link ListSource}: one attempt per call, every failure classified for the engine's retry loop (see
 * {@link StripeHttp}). Subscriptions are listed with {@code status=all}: Stripe's default hides canceled ones.
 *
 * <p>The version of each record is the time its page was received (milliseconds), since list objects carry no
 * modification time: a later fetch of the same object is the newer copy.
 */
public final class StripeListSource implements ListSource {
    private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z_]{0,62}");

    private final StripeHttp http;
    private final Clock clock;

    /**
     * @param baseUrl API root, e.g. {@code https://api.stripe.com} or a simulator's {@code http://127.0.0.1:12111}
     * @param timeout deadline of one attempt, from sending to the last byte of the body
     */
    public StripeListSource(URI baseUrl, String apiKey, Duration timeout, Clock clock) {
        this(new StripeHttp(baseUrl, apiKey, timeout), clock);
    }

    StripeListSource(StripeHttp http, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The list resources this source knows by name (any other lower-case name is tried as is). */
    public static final List<String> RESOURCES = List.of("customers", "charges", "invoices", "payment_intents",
            "subscriptions", "products", "prices", "refunds");

    @Override
    public Page fetch(PageRequest r) throws SourceException, InterruptedException {
        if (!RESOURCE.matcher(r.stream()).matches()) {
            throw new SourceException(Kind.CLIENT_ERROR, 0, "'" + r.stream() + "' is not a Stripe resource name");
        }
        StringBuilder q = new StringBuilder("limit=").append(r.limit())
                .append("&created%5Bgte%5D=").append(r.range().gte())
                .append("&created%5Blt%5D=").append(r.range().lt());
        if (r.stream().equals("subscriptions")) {
            q.append("&status=all");
        }
        if (r.startingAfter() != null) {
            q.append("&starting_after=").append(URLEncoder.encode(r.startingAfter(), StandardCharsets.UTF_8));
        }
        URI uri = http.uri("/v1/" + r.stream() + "?" + q);
        JsonNode body = http.get(uri);
        JsonNode data = body.get("data");
        if (data == null || !data.isArray() || !body.has("has_more")) {
            throw new SourceException(Kind.TRANSPORT, 200, "GET " + uri + ": the answer is not a list object");
        }
        long version = clock.epochMillis();
        List<SourceRecord> items = new ArrayList<>(data.size());
        for (JsonNode item : data) {
            JsonNode id = item.get("id");
            JsonNode created = item.get("created");
            if (id == null || !id.isTextual() || created == null || !created.canConvertToLong()) {
                throw new SourceException(Kind.CLIENT_ERROR, 200,
                        "GET " + uri + ": an object without a string id or an integer created: " + http.abbreviate(item));
            }
            items.add(new SourceRecord(id.asText(), created.asLong(), version, item.toString()));
        }
        return new Page(items, body.get("has_more").asBoolean());
    }

    /** {@code created} of the account behind the key: where a backfill starts when no {@code --since} is given. */
    public long accountCreated() throws SourceException, InterruptedException {
        URI uri = http.uri("/v1/account");
        JsonNode body = http.get(uri);
        JsonNode created = body.get("created");
        if (created == null || !created.canConvertToLong()) {
            throw new SourceException(Kind.CLIENT_ERROR, 200, "GET " + uri + ": the account has no created time");
        }
        return created.asLong();
    }
}
