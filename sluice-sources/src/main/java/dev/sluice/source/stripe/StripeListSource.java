package dev.sluice.source.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Stripe's list API ({@code GET /v1/<resource>?limit&starting_after&created[gte]&created[lt]}) as a
 * {@link ListSource}: one attempt per call, every failure classified for the engine's retry loop.
 *
 * <p>The request deadline covers the whole exchange, body included: a server that sends headers and then stalls
 * or drops the connection fails the attempt as {@link Kind#TRANSPORT}, like a truncated or unparseable body.
 * A 429, or a 5xx, is retryable unless the server says {@code Stripe-Should-Retry: false}.
 *
 * <p>The version of each record is the time its page was received (milliseconds), since list objects carry no
 * modification time: a later fetch of the same object is the newer copy.
 *
 * <p>NOTE: java.net.http silently sends a GET once more when the connection closes before any byte of an answer;
 * that second request takes no limiter token. The per-attempt deadline ends an attempt on a hung connection first,
 * so keep {@code --request-timeout} below the time a server takes to give up on a request.
 *
 * <p>NOTE: the API key is sent only in the {@code Authorization} header; it never appears in a message or log.
 */
public final class StripeListSource implements ListSource {
    private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z_]{0,62}");

    private final URI baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl API root, e.g. {@code https://api.stripe.com} or a simulator's {@code http://127.0.0.1:12111}
     * @param timeout deadline of one attempt, from sending to the last byte of the body
     */
    public StripeListSource(URI baseUrl, String apiKey, Duration timeout, Clock clock) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("--base-url must be an http(s) URL, was '" + baseUrl + "'");
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
        if (r.startingAfter() != null) {
            q.append("&starting_after=").append(URLEncoder.encode(r.startingAfter(), StandardCharsets.UTF_8));
        }
        URI uri = baseUrl.resolve("/v1/" + r.stream() + "?" + q);
        JsonNode body = get(uri);
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
                        "GET " + uri + ": an object without a string id or an integer created: " + abbreviate(item));
            }
            items.add(new SourceRecord(id.asText(), created.asLong(), version, item.toString()));
        }
        return new Page(items, body.get("has_more").asBoolean());
    }

    /** {@code created} of the account behind the key: where a backfill starts when no {@code --since} is given. */
    public long accountCreated() throws SourceException, InterruptedException {
        URI uri = baseUrl.resolve("/v1/account");
        JsonNode body = get(uri);
        JsonNode created = body.get("created");
        if (created == null || !created.canConvertToLong()) {
            throw new SourceException(Kind.CLIENT_ERROR, 200, "GET " + uri + ": the account has no created time");
        }
        return created.asLong();
    }

    private JsonNode get(URI uri) throws SourceException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .header("User-Agent", "sluice")
                .timeout(timeout)
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new SourceException(Kind.TRANSPORT, 0, "GET " + uri + ": no complete answer within " + timeout, null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String what = cause instanceof java.net.http.HttpTimeoutException
                    ? "no complete answer within " + timeout : describe(cause);
            throw new SourceException(Kind.TRANSPORT, 0, "GET " + uri + ": " + what, null, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
        int status = response.statusCode();
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new SourceException(status == 200 ? Kind.TRANSPORT : kindOf(status, response), status,
                    "GET " + uri + " answered " + status + " with a body that is not JSON (truncated?)", null, e);
        }
        if (status == 200) {
            return body;
        }
        String message = body.path("error").path("message").asText("");
        String text = "GET " + uri + " answered " + status + (message.isEmpty() ? "" : ": " + message);
        throw new SourceException(kindOf(status, response), status, text, retryAfter(response), null);
    }

    private static Kind kindOf(int status, HttpResponse<?> response) {
        boolean shouldRetry = !"false".equalsIgnoreCase(response.headers().firstValue("Stripe-Should-Retry").orElse(""));
        if (status == 429) {
            return shouldRetry ? Kind.RATE_LIMITED : Kind.CLIENT_ERROR;
        }
        if (status >= 500 || status == 408) {
            return shouldRetry ? Kind.SERVER_ERROR : Kind.CLIENT_ERROR;
        }
        return Kind.CLIENT_ERROR;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("Retry-After").orElse(null);
        if (v == null) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(v.trim());
            return seconds >= 0 && seconds < 3600 ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: the backoff will do
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private String abbreviate(JsonNode node) {
        try {
            String s = json.writeValueAsString(node);
            return s.length() > 200 ? s.substring(0, 200) + "…" : s;
        } catch (JsonProcessingException e) {
            return "?";
        }
    }
}
