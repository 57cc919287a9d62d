package dev.sluice.sim.stripe.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.sim.stripe.Change;
import dev.sluice.sim.stripe.Stats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * {@code /_sim/*}: what a test harness or benchmark asks the simulator about itself, or makes it do. No
 * authentication, no rate limit, no faults, not counted in {@link Stats}. {@code account=acct_…} selects a
 * connected account (default: the platform).
 * <ul>
 *   <li>{@code GET /_sim/stats} → {@link Stats} as JSON</li>
 *   <li>{@code GET /_sim/digest?resource=R[&gte=…&lt=…]} → {@code {count, sha256}} over the sorted ids of live
 *       objects; with {@code state=true}, over (id, canonical JSON) of every live object
 *       ({@link dev.sluice.sim.stripe.StateDigest}); {@code lines=complete} renders invoices with all lines</li>
 *   <li>{@code GET /_sim/objects?resource=R[&lines=complete]} → {@code {"<id>": <object>, …}}, live objects as a
 *       retrieve renders them now</li>
 *   <li>{@code GET /_sim/deleted?resource=R} → {@code {"ids": […]}}</li>
 *   <li>{@code GET /_sim/changes[?after=N]} → {@code {"changes": [{sequence, account, resource, object_id, kind,
 *       event_id, event_type, at_ms}, …]}}, oldest first, those with a sequence above N</li>
 *   <li>{@code POST /_sim/change?resource=R&kind=create|update|delete|cancel[&id=…][&count=N]} → the changes made
 *       now, as above ({@code cancel}, for subscriptions, is their {@code delete}); 404 for an unknown id or when no object can take the change, 409 when this one cannot
 *       (a paid invoice deleted, a charge deleted)</li>
 *   <li>{@code POST /_sim/reset-stats} → 204; clears stats, the request log and the rate buckets</li>
 * </ul>
 */
public final class IntrospectionHandler implements HttpHandler {

    private static final int MAX_CHANGES_PER_CALL = 10_000;

    private final Supplier<Stats> stats;
    private final GroundTruth truth;
    private final Runnable reset;

    public IntrospectionHandler(Supplier<Stats> stats, GroundTruth truth, Runnable reset) {
        this.stats = stats;
        this.truth = truth;
        this.reset = reset;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            try {
                Map<String, String> p = ListQuery.decode(exchange.getRequestURI().getRawQuery());
                String route = method + " " + path;
                switch (route) {
                    case "GET /_sim/stats" -> send(exchange, 200, Json.bytes(stats.get()));
                    case "GET /_sim/digest" -> send(exchange, 200, Json.bytes(digest(p)));
                    case "GET /_sim/objects" -> send(exchange, 200, objects(p));
                    case "GET /_sim/deleted" -> send(exchange, 200,
                            Json.bytes(Map.of("ids", truth.deletedIds(p.get("account"), resource(p)))));
                    case "GET /_sim/changes" -> send(exchange, 200,
                            Json.bytes(Map.of("changes", truth.changes(bound(p, "after", 0)))));
                    case "POST /_sim/change" -> send(exchange, 200, Json.bytes(Map.of("changes", change(p))));
                    case "POST /_sim/reset-stats" -> {
                        reset.run();
                        exchange.sendResponseHeaders(204, -1);
                    }
                    default -> throw StripeError.invalidRequest(404,
                            "Unrecognized request URL (" + method + ": " + path + ")", null);
                }
            } catch (StripeError e) {
                send(exchange, e.status(), Json.bytes(e::write));
            } catch (IllegalArgumentException e) {
                send(exchange, 400, Json.bytes(StripeError.invalidRequest(400, e.getMessage(), null)::write));
            } catch (NoSuchElementException e) {
                send(exchange, 404, Json.bytes(StripeError.invalidRequest(404, e.getMessage(), "id")::write));
            } catch (IllegalStateException e) {
                send(exchange, 409, Json.bytes(StripeError.invalidRequest(409, e.getMessage(), "kind")::write));
            }
        }
    }

    private Object digest(Map<String, String> p) {
        String resource = resource(p);
        String account = p.get("account");
        if ("true".equals(p.get("state"))) {
            return truth.stateDigest(account, resource, completeLines(p));
        }
        return truth.idDigest(account, resource, bound(p, "gte", Long.MIN_VALUE), bound(p, "lt", Long.MAX_VALUE));
    }

    private byte[] objects(Map<String, String> p) {
        Map<String, String> objects = truth.objects(p.get("account"), resource(p), completeLines(p));
        return Json.bytes(g -> {
            g.writeStartObject();
            for (var e : objects.entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeRawValue(e.getValue());
            }
            g.writeEndObject();
        });
    }

    private List<Change> change(Map<String, String> p) {
        String resource = resource(p);
        String account = p.get("account");
        String id = p.get("id") == null || p.get("id").isEmpty() ? null : p.get("id");
        long count = bound(p, "count", 1);
        if (count < 1 || count > MAX_CHANGES_PER_CALL) {
            throw StripeError.invalidRequest(400, "count must be in 1.." + MAX_CHANGES_PER_CALL, "count");
        }
        String kind = p.getOrDefault("kind", "");
        if (kind.equals("cancel") && !resource.equals("subscriptions")) {
            throw StripeError.invalidRequest(400, "kind=cancel is for subscriptions; other resources are deleted",
                    "kind");
        }
        List<Change> made = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            made.add(switch (kind) {
                case "create" -> truth.create(account, resource);
                case "update" -> truth.update(account, resource, id);
                case "delete", "cancel" -> truth.delete(account, resource, id);
                default -> throw StripeError.invalidRequest(400,
                        "kind must be create, update, delete or cancel, was '" + kind + "'", "kind");
            });
        }
        return made;
    }

    private static boolean completeLines(Map<String, String> p) {
        return "complete".equals(p.get("lines"));
    }

    private static String resource(Map<String, String> params) {
        String resource = params.get("resource");
        if (resource == null || resource.isEmpty()) {
            throw StripeError.invalidRequest(400, "Missing required param: resource.", "resource");
        }
        if (ResourceKind.byName(resource).isEmpty()) {
            throw StripeError.invalidRequest(404, "Unknown resource: " + resource, "resource");
        }
        return resource;
    }

    /** An integer parameter; absent means {@code otherwise}. */
    private static long bound(Map<String, String> params, String name, long otherwise) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
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
