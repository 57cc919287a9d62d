package dev.sluice.source.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webclient.api.RuntimeUnknownHostException;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stripe's HTTP contract, shared by every Stripe request Sluice makes — list pages, events, retrieves, nested
 * lists, the account: one {@code GET} per call with the key in the {@code Authorization} header, a deadline over the
 * whole exchange (body included), and every failure classified for the engine's retry loop.
 *
 * <p>A server that sends headers and then stalls or drops the connection fails the attempt as
 * {@link Kind#TRANSPORT}, like a truncated or unparseable body. A 429, or a 5xx, is retryable unless the server says
 * {@code Stripe-Should-Retry: false}; {@code Retry-After} (seconds) is passed on.
 *
 * <p>NOTE: the transport is Helidon's HTTP/1.1 client, not java.net.http: java.net.http sends a GET once more by
 * itself when a pooled connection closes before any byte of an answer, and that second request takes no limiter
 * token (there is no switch for it: {@code jdk.httpclient.disableRetryConnect} covers only a refused connect).
 * Helidon's client never re-sends: such an attempt fails as {@link Kind#TRANSPORT}, and the caller's retry takes a
 * token like any other, so every request on the wire took one ({@code OneTokenPerRequestTest}).
 *
 * <p>NOTE: the API key is sent only in the {@code Authorization} header; it never appears in a message or log, even
 * when an error answer quotes it.
 */
final class StripeHttp {
    /** Closes an answer whose body is still coming at its deadline; one daemon thread for every client. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("stripe-deadlines").factory());

    private final URI baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final Http1Client http;
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
        this.http = Http1Client.builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .followRedirects(false)
                .shareConnectionCache(false)
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
    private record Answer(int status, JsonNode body, Headers headers, String apiKey) {
        SourceException failure(URI uri) {
            // NOTE: an answer may quote the key (Stripe's 401 shows a masked one); never pass the whole key on.
            String message = body.path("error").path("message").asText("").replace(apiKey, "****");
            String text = "GET " + uri + " answered " + status + (message.isEmpty() ? "" : ": " + message);
            return new SourceException(kindOf(status, headers), status, text, retryAfter(headers), null);
        }
    }

    /**
     * One attempt: the request, then the body read whole within the deadline. A server that accepts the request and
     * then stalls (or drips its body) is cut off when the deadline passes: its answer is closed under the reader.
     */
    private Answer exchange(URI uri) throws SourceException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http1ClientResponse response;
        try {
            response = http.get().uri(uri)
                    .header(HeaderNames.AUTHORIZATION, "Bearer " + apiKey)
                    .header(HeaderNames.ACCEPT, "application/json")
                    .header(HeaderNames.USER_AGENT, "sluice")
                    .readTimeout(timeout)
                    .request();
        } catch (RuntimeException e) {
            throw transportFailure(uri, e);
        }
        int status = response.status().code();
        Headers headers = response.headers();
        byte[] body;
        long left = deadline - System.nanoTime();
        // Set before the answer is closed: the reader can see its stream end before the cut-off task has returned,
        // so the task's own state (isDone) would call a deadline a broken connection.
        AtomicBoolean cut = new AtomicBoolean();
        ScheduledFuture<?> cutOff = DEADLINES.schedule(() -> {
            cut.set(true);
            closeQuietly(response);
        }, Math.max(0, left), TimeUnit.NANOSECONDS);
        try (response) {
            body = response.inputStream().readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw transportFailure(uri, cut.get() ? new TimeoutException() : e);
        } finally {
            cutOff.cancel(false);
        }
        if (cut.get()) {
            throw transportFailure(uri, new TimeoutException()); // the body came whole, but after the deadline
        }
        try {
            return new Answer(status, json.readTree(body), headers, apiKey);
        } catch (IOException e) {
            throw new SourceException(status == 200 ? Kind.TRANSPORT : kindOf(status, headers), status,
                    "GET " + uri + " answered " + status + " with a body that is not JSON (truncated?)", null, e);
        }
    }

    /** A failure with no complete answer; an interrupt (the run is stopping) stays an interrupt. */
    private SourceException transportFailure(URI uri, Exception e) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("stopped during GET " + uri);
        }
        String what = isTimeout(e) ? "no complete answer within " + timeout : describe(e);
        return new SourceException(Kind.TRANSPORT, 0, "GET " + uri + ": " + what, null, e);
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Http1ClientResponse response) {
        try {
            response.close();
        } catch (RuntimeException ignored) {
            // the reader sees its stream end early; that is the point
        }
    }

    private static Kind kindOf(int status, Headers headers) {
        boolean shouldRetry = !"false".equalsIgnoreCase(headers.first(SHOULD_RETRY).orElse(""));
        if (status == 429) {
            return shouldRetry ? Kind.RATE_LIMITED : Kind.CLIENT_ERROR;
        }
        if (status >= 500 || status == 408) {
            return shouldRetry ? Kind.SERVER_ERROR : Kind.CLIENT_ERROR;
        }
        return Kind.CLIENT_ERROR;
    }

    private static final HeaderName SHOULD_RETRY = HeaderNames.create("Stripe-Should-Retry");

    private static Duration retryAfter(Headers headers) {
        String v = headers.first(HeaderNames.RETRY_AFTER).orElse(null);
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

    /** A transport failure in a few words, from its deepest cause ("connection refused", "unknown host"). */
    private static String describe(Throwable t) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof RuntimeUnknownHostException
                    || c instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            root = c;
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
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
