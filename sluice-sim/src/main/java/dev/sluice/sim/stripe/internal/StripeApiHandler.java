package dev.sluice.sim.stripe.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.sim.stripe.Fault;
import dev.sluice.sim.stripe.RateScope;
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
 * arrival; authenticate (401); resolve {@code Stripe-Account} (403 for an account the key cannot act as); take a
 * rate-limit token from the key's or the account's bucket (429); route (404 for an unknown URL); for every route
 * but {@code /v1/account}, roll the fault dice (hang, 500, 429); check parameters (400) and ids (404); build the
 * answer; then wait the configured latency and answer — or cut the body short if the roll said truncate.
 */
public final class StripeApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StripeApiHandler.class);
    private static final String NO_KEY = "You did not provide an API key. You need to provide your API key in the "
            + "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
            + "https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

    private final StripeSimConfig config;
    private final Accounts accounts;
    private final ApiRoutes routes;
    private final RequestLedger ledger;
    private final FaultDice dice;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** What to send: a status and body, or a fault that replaces or mangles them; the account it acted as. */
    private record Answer(int status, byte[] body, Map<String, String> headers, Fault fault, List<String> ids,
                          boolean emptyPage, String account) {

        static Answer of(StripeError e, Fault fault, String account) {
            return new Answer(e.status(), Json.bytes(e::write), e.headers(), fault, List.of(), false, account);
        }
    }

    public StripeApiHandler(StripeSimConfig config, Accounts accounts, ApiRoutes routes, RequestLedger ledger,
                            FaultDice dice, LongSupplier nanoClock) {
        this.config = config;
        this.accounts = accounts;
        this.routes = routes;
        this.ledger = ledger;
        this.dice = dice;
        this.nanoClock = nanoClock;
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
        Map<String, List<String>> params = Map.of();
        Answer answer;
        try {
            params = ListQuery.decodeAll(exchange.getRequestURI().getRawQuery());
            answer = decide(exchange, path, params);
        } catch (StripeError e) {
            answer = Answer.of(e, Fault.NONE, null);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed on {} {}", exchange.getRequestMethod(), path, e);
            answer = Answer.of(StripeError.apiError(), Fault.NONE, null);
        }
        int status = answer.fault() == Fault.HANG ? 0 : answer.status();
        // Count before answering, so a client that has its answer already sees it in /_sim/stats.
        ledger.answered(arrival, status, answer.emptyPage(), answer.account());
        if (resource != null) {
            ledger.logged(arrival, new ServedRequest(resource, ListQuery.first(params), status,
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

    private Answer decide(HttpExchange exchange, String path, Map<String, List<String>> params) {
        String key = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        String header = exchange.getRequestHeaders().getFirst("Stripe-Account");
        SimAccount account = accounts.find(header == null ? null : header.trim());
        if (account == null) {
            throw StripeError.accountInvalid(mask(key), header.trim());
        }
        String acct = account.id();
        if (!Double.isInfinite(config.rps())) {
            long now = nanoClock.getAsLong();
            String scope = config.rateScope() == RateScope.ACCOUNT ? acct : key;
            TokenBucket bucket = buckets.computeIfAbsent(scope, k -> new TokenBucket(config.rps(), config.burst(), now));
            if (!bucket.tryTake(now)) {
                return Answer.of(StripeError.rateLimited(), Fault.RATE_LIMITED, acct);
            }
        }
        String method = exchange.getRequestMethod();
        ApiRoutes.Match match = routes.match(method, path).orElseThrow(() -> StripeError.invalidRequest(404,
                "Unrecognized request URL (" + method + ": " + path + "). Please see https://stripe.com/docs or "
                        + "we can help at https://support.stripe.com/.", null));
        Fault fault = match.faultable() ? dice.roll() : Fault.NONE;
        switch (fault) {
            case HANG -> {
                return new Answer(0, new byte[0], Map.of(), Fault.HANG, List.of(), false, acct);
            }
            case ERROR -> {
                return Answer.of(StripeError.apiError(), Fault.ERROR, acct);
            }
            case THROTTLE -> {
                return Answer.of(StripeError.rateLimited(), Fault.THROTTLE, acct);
            }
            default -> {
                ApiRoutes.Routed routed;
                try {
                    routed = match.route().answer(account, params);
                } catch (StripeError e) {
                    return Answer.of(e, Fault.NONE, acct);
                }
                boolean emptyPage = isList(path) && routed.ids().isEmpty();
                return new Answer(200, routed.body(), Map.of(), fault, routed.ids(), emptyPage, acct);
            }
        }
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

    /** A list URL: {@code /v1/<name>} (not the account), or an invoice's lines. */
    private static boolean isList(String path) {
        return listResource(path) != null || path.endsWith("/lines");
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
