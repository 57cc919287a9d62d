package dev.sluice.source.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stripe's HTTP contract, shared by every Stripe request Sluice makes — list pages, events, retrieves, nested
 * lists, the account: one {@code GET} per call with the key in the {@code Authorization} header, a deadline over the
 * whole exchange (body included), and every failure classified for the engine's retry loop.
 *
 * <p>A server that sends headers and then stalls or drops the connection fails the attempt as
 * {@link Kind#TRANSPORT}, like a truncated or unparseable body. A 429, or a 5xx, is retryable unless the server says
 * {@code Stripe-Should-Retry: false}; {@code Retry-After} (seconds) is passed on.
 *
 * <p>NOTE: java.net.http silently sends a GET once more when the connection closes before any byte of an answer;
 * that second request takes no limiter token. The per-attempt deadline ends an attempt on a hung connection first,
 * so keep {@code --request-timeout} below the time a server takes to give up on a request.
 *
 * <p>NOTE: the API key is sent only in the {@code Authorization} header; it never appears in a message or log, even
 * when an error answer quotes it.
 */
final class StripeHttp {
    private final URI baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl API root, e.g. {@code https://api.stripe.com} or a simulator's {@code http://127.0.0.1:12111}
     * @param timeout deadline of one attempt, from sending to the last byte of the body
     */
    StripeHttp(URI baseUrl, String apiKey, Duration timeout) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("--base-url must be an http(s) URL, was '" + baseUrl + "'");
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code path} (with its query) under the API root. */
    URI uri(String path) {
        return baseUrl.resolve(path);
    }

    /** The JSON answer of a 200; any other answer is a {@link SourceException}. */
    JsonNode get(URI uri) throws SourceException, InterruptedException {
        Answer a = exchange(uri);
        if (a.status() == 200) {
            return a.body();
        }
        throw a.failure(uri);
    }

    /**
     * The JSON answer of a 200, or empty when Stripe answers 404 {@code resource_missing} (an object deleted, for
     * resources whose deleted objects are not retrievable).
     */
    Optional<JsonNode> getUnlessMissing(URI uri) throws SourceException, InterruptedException {
        Answer a = exchange(uri);
        if (a.status() == 200) {
            return Optional.of(a.body());
        }
        if (a.status() == 404 && "resource_missing".equals(a.body().path("error").path("code").asText())) {
            return Optional.empty();
        }
        throw a.failure(uri);
    }

    /** A parsed answer and what it needs to become a failure. */
    private record Answer(int status, JsonNode body, HttpResponse<?> response, String apiKey) {
        SourceException failure(URI uri) {
            // NOTE: an answer may quote the key (Stripe's 401 shows a masked one); never pass the whole key on.
            String message = body.path("error").path("message").asText("").replace(apiKey, "****");
            String text = "GET " + uri + " answered " + status + (message.isEmpty() ? "" : ": " + message);
            return new SourceException(kindOf(status, response), status, text, retryAfter(response), null);
        }
    }

    private Answer exchange(URI uri) throws SourceException, InterruptedException {
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
            String what = cause instanceof HttpTimeoutException ? "no complete answer within " + timeout : describe(cause);
            throw new SourceException(Kind.TRANSPORT, 0, "GET " + uri + ": " + what, null, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
        int status = response.statusCode();
        try {
            return new Answer(status, json.readTree(response.body()), response, apiKey);
        } catch (IOException e) {
            throw new SourceException(status == 200 ? Kind.TRANSPORT : kindOf(status, response), status,
                    "GET " + uri + " answered " + status + " with a body that is not JSON (truncated?)", null, e);
        }
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

    /** A transport failure in a few words: java.net.http often gives none ("ConnectException" and no message). */
    private static String describe(Throwable t) {
        String m = t.getMessage();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        if (t instanceof java.net.ConnectException && (m == null || m.isBlank())) {
            return "connection refused";
        }
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** The first 200 characters of a JSON node, for a message. */
    String abbreviate(JsonNode node) {
        try {
            String s = json.writeValueAsString(node);
            return s.length() > 200 ? s.substring(0, 200) + "…" : s;
        } catch (JsonProcessingException e) {
            return "?";
        }
    }

    ObjectMapper mapper() {
        return json;
    }
}
