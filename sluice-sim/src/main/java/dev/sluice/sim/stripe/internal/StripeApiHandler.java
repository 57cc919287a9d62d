package dev.sluice.sim.stripe.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.sim.stripe.Fault;
import dev.sluice.sim.stripe.ServedRequest;
import dev.sluice.sim.stripe.StripeSimConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code /v1/*} as Stripe would, plus the configured faults. The order of checks per request is: record the
 * arrival; authenticate (401); take a rate-limit token (429); route (404 for an unknown URL); for list requests, roll
 * the fault dice (hang, 500, 429); check parameters (400) and the cursor (404); build the page; then wait the
 * configured latency and answer — or cut the body short if the roll said truncate.
 */
public final class StripeApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StripeApiHandler.class);
    private static final String NO_KEY = "You did not provide an API key. You need to provide your API key in the "
            + "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
            + "https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

    private final StripeSimConfig config;
    private final Map<ResourceKind, ObjectIndex> indexes;
    private final ObjectRenderer renderer;
    private final RequestLedger ledger;
    private final FaultDice dice;
    private final LongSupplier nanoClock;
    private final long accountCreated;
    private final String accountId;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** What to send: a status and body, or a fault that replaces or mangles them. */
    private record Answer(int status, byte[] body, Map<String, String> headers, Fault fault, List<String> ids,
                          boolean emptyPage) {

        static Answer of(StripeError e, Fault fault) {
            return new Answer(e.status(), Json.bytes(e::write), e.headers(), fault, List.of(), false);
        }
    }

    public StripeApiHandler(StripeSimConfig config, Map<ResourceKind, ObjectIndex> indexes, ObjectRenderer renderer,
                            RequestLedger ledger, FaultDice dice, LongSupplier nanoClock, long accountCreated) {
        this.config = config;
        this.indexes = indexes;
        this.renderer = renderer;
        this.ledger = ledger;
        this.dice = dice;
        this.nanoClock = nanoClock;
        this.accountCreated = accountCreated;
        this.accountId = Seeds.id("acct_", 16, Seeds.random(config.seed(), "account"));
    }

    public String accountId() {
        return accountId;
    }

    /** Forgets every caller's token bucket: all start full again. */
    public void resetBuckets() {
        buckets.clear();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        RequestLedger.Arrival arrival = ledger.arrive();
        String path = exchange.getRequestURI().getRawPath();
        String resource = listResource(path);
        Map<String, String> params = Map.of();
        Answer answer;
        try {
            params = ListQuery.decode(exchange.getRequestURI().getRawQuery());
            answer = decide(exchange, path, resource, params);
        } catch (StripeError e) {
            answer = Answer.of(e, Fault.NONE);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed on {} {}", exchange.getRequestMethod(), path, e);
            answer = Answer.of(StripeError.apiError(), Fault.NONE);
        }
        int status = answer.fault() == Fault.HANG ? 0 : answer.status();
        // Count before answering, so a client that has its answer already sees it in /_sim/stats.
        ledger.answered(arrival, status, answer.emptyPage());
        if (resource != null) {
            ledger.logged(arrival, new ServedRequest(resource, params, status,
                    status == 200 ? answer.ids() : List.of(), arrival.nanos(), answer.fault()));
        }
        try {
            if (answer.fault() == Fault.HANG) {
                Thread.sleep(config.hangMs());
                throw drop(exchange, "hang");
            }
            long wait = dice.latencyMs();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            send(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private Answer decide(HttpExchange exchange, String path, String resource, Map<String, String> params) {
        String key = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!Double.isInfinite(config.rps())) {
            long now = nanoClock.getAsLong();
            TokenBucket bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(config.rps(), config.burst(), now));
            if (!bucket.tryTake(now)) {
                return Answer.of(StripeError.rateLimited(), Fault.RATE_LIMITED);
            }
        }
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.equals("/v1/account")) {
            return new Answer(200, Json.bytes(this::writeAccount), Map.of(), Fault.NONE, List.of(), false);
        }
        ResourceKind kind = resource == null ? null : ResourceKind.byName(resource).orElse(null);
        if (kind == null || !method.equals("GET")) {
            throw StripeError.invalidRequest(404, "Unrecognized request URL (" + method + ": " + path + "). Please "
                    + "see https://stripe.com/docs or we can help at https://support.stripe.com/.", null);
        }
        Fault fault = dice.roll();
        switch (fault) {
            case HANG -> {
                return new Answer(0, new byte[0], Map.of(), Fault.HANG, List.of(), false);
            }
            case ERROR -> {
                return Answer.of(StripeError.apiError(), Fault.ERROR);
            }
            case THROTTLE -> {
                return Answer.of(StripeError.rateLimited(), Fault.THROTTLE);
            }
            default -> {
                Answer page = list(kind, ListQuery.parse(params));
                return fault == Fault.TRUNCATE
                        ? new Answer(200, page.body(), page.headers(), Fault.TRUNCATE, page.ids(), page.emptyPage())
                        : page;
            }
        }
    }

    private Answer list(ResourceKind kind, ListQuery q) {
        ObjectIndex index = indexes.get(kind);
        Entry after = q.startingAfter() == null ? null : cursor(kind, index, q.startingAfter(), "starting_after");
        Entry before = q.endingBefore() == null ? null : cursor(kind, index, q.endingBefore(), "ending_before");
        Page page = index.page(q.lo(), q.hi(), after, before, q.limit());
        byte[] body = Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeStringField("url", "/v1/" + kind.path());
            g.writeBooleanField("has_more", page.hasMore());
            g.writeArrayFieldStart("data");
            for (Entry e : page.items()) {
                renderer.write(g, kind, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        List<String> ids = page.items().stream().map(Entry::id).toList();
        return new Answer(200, body, Map.of(), Fault.NONE, ids, ids.isEmpty());
    }

    private static Entry cursor(ResourceKind kind, ObjectIndex index, String id, String param) {
        return index.find(id).orElseThrow(() -> StripeError.invalidRequest(404,
                "No such " + kind.objectType() + ": '" + id + "'", param));
    }

    private void writeAccount(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", accountId);
        g.writeStringField("object", "account");
        g.writeObjectFieldStart("business_profile");
        g.writeStringField("name", "Sluice Simulated Inc.");
        g.writeStringField("url", "https://example.com");
        g.writeEndObject();
        g.writeStringField("business_type", "company");
        g.writeBooleanField("charges_enabled", true);
        g.writeStringField("country", "US");
        g.writeNumberField("created", accountCreated);
        g.writeStringField("default_currency", "usd");
        g.writeBooleanField("details_submitted", true);
        g.writeStringField("email", "owner@example.com");
        g.writeBooleanField("livemode", false);
        g.writeBooleanField("payouts_enabled", true);
        g.writeObjectFieldStart("settings");
        g.writeObjectFieldStart("dashboard");
        g.writeStringField("display_name", "Sluice Sim");
        g.writeStringField("timezone", "Etc/UTC");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStringField("type", "standard");
        g.writeEndObject();
    }

    /** The API key of an acceptable {@code Authorization} header (Bearer, or Basic with the key as user name). */
    private String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw StripeError.invalidRequest(401, NO_KEY, null);
        }
        String key = null;
        String header = authorization.trim();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = header.substring(7).trim();
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                key = colon < 0 ? userPass : userPass.substring(0, colon);
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || key.isEmpty()) {
            throw StripeError.invalidRequest(401, "Invalid API Key provided: " + mask(header), null);
        }
        Set<String> keys = config.apiKeys();
        boolean ok = keys.isEmpty() ? key.startsWith("sk_") : keys.contains(key);
        if (!ok) {
            throw StripeError.invalidRequest(401, "Invalid API Key provided: " + mask(key), null);
        }
        return key;
    }

    /** Stripe shows a rejected key's prefix and last four characters only. */
    static String mask(String key) {
        int head = key.startsWith("sk_test_") || key.startsWith("sk_live_") ? 8 : Math.min(3, key.length());
        int tail = key.length() - head >= 12 ? 4 : 0;
        return key.substring(0, head) + "*".repeat(key.length() - head - tail) + key.substring(key.length() - tail);
    }

    /** The resource of a list path {@code /v1/<name>}, or null for any other path (including /v1/account). */
    private static String listResource(String path) {
        if (path == null || !path.startsWith("/v1/")) {
            return null;
        }
        String rest = path.substring(4);
        return rest.isEmpty() || rest.contains("/") || rest.equals("account") ? null : rest;
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Request-Id", Seeds.id("req_", 14, new SplittableRandom(ThreadLocalRandom.current().nextLong())));
        answer.headers().forEach(headers::set);
        byte[] body = answer.body();
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        OutputStream out = exchange.getResponseBody();
        if (answer.fault() == Fault.TRUNCATE) {
            out.write(body, 0, body.length / 2);
            out.flush();
            throw drop(exchange, "truncate");
        }
        out.write(body);
        exchange.close();
    }

    /**
     * Ends the exchange by closing its TCP connection instead of completing a response.
     *
     * <p>NOTE: this leans on how the JDK's {@code sun.net.httpserver} behaves (read in the JDK 25 sources; the code is unchanged since JDK 11):
     * {@code HttpExchange.close()} before any response headers closes the connection, and so does closing a
     * fixed-length body that is still short (the stream's close fails with "insufficient bytes", and the exchange
     * closes the connection). The exception we throw next makes the server also drop its bookkeeping for the
     * connection ({@code ServerImpl.Exchange.run} catches it and calls {@code closeConnection}); it is logged by
     * the JDK at TRACE level only. {@code StripeSimulatorFaultTest} checks that a client sees an error.
     */
    private static IOException drop(HttpExchange exchange, String why) {
        exchange.close();
        return new IOException("simulated " + why + ": connection dropped on purpose");
    }
}
