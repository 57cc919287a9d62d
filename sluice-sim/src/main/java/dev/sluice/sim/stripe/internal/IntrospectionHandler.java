package dev.sluice.sim.stripe.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.sim.stripe.Digest;
import dev.sluice.sim.stripe.Stats;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /_sim/*}: what a test harness or benchmark asks the simulator about itself. No authentication, no rate
 * limit, no faults, not counted in {@link Stats}.
 * <ul>
 *   <li>{@code GET /_sim/stats} → {@link Stats} as JSON</li>
 *   <li>{@code GET /_sim/digest?resource=R[&gte=…&lt=…]} → {@link Digest} as JSON</li>
 *   <li>{@code POST /_sim/reset-stats} → 204; clears stats, the request log and the rate buckets</li>
 * </ul>
 */
public final class IntrospectionHandler implements HttpHandler {

    private final Supplier<Stats> stats;
    private final Function<Map<String, String>, Digest> digests;
    private final Runnable reset;

    /** @param digests answers a digest request from its parameters; throws {@link StripeError} for a bad one */
    public IntrospectionHandler(Supplier<Stats> stats, Function<Map<String, String>, Digest> digests,
                                Runnable reset) {
        this.stats = stats;
        this.digests = digests;
        this.reset = reset;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            try {
                if (method.equals("GET") && path.equals("/_sim/stats")) {
                    send(exchange, 200, Json.bytes(stats.get()));
                } else if (method.equals("GET") && path.equals("/_sim/digest")) {
                    Map<String, String> params = ListQuery.decode(exchange.getRequestURI().getRawQuery());
                    send(exchange, 200, Json.bytes(digests.apply(params)));
                } else if (method.equals("POST") && path.equals("/_sim/reset-stats")) {
                    reset.run();
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    throw StripeError.invalidRequest(404, "Unrecognized request URL (" + method + ": " + path + ")",
                            null);
                }
            } catch (StripeError e) {
                send(exchange, e.status(), Json.bytes(e::write));
            }
        }
    }

    /** Parses {@code gte}/{@code lt} of a digest request; absent means unbounded. */
    public static long bound(Map<String, String> params, String name, long unbounded) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return unbounded;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw StripeError.invalidRequest(400, "Invalid integer: " + v, name);
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
