package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * What each {@code GET /v1/…} URL answers for the account a request acts as: the account, connected accounts,
 * lists, retrieves, an invoice's lines, and events. Routing comes first and is separate from answering, so the
 * handler can roll the fault dice in between (a fault replaces a 400 or 404, as it did before).
 */
public final class ApiRoutes {

    /** A 200 answer: its body, and the ids of a list page (for the request log). */
    public record Routed(byte[] body, List<String> ids) {
    }

    /** Answers one matched URL for an account; throws {@link StripeError} for a 4xx. */
    @FunctionalInterface
    public interface Route {
        Routed answer(SimAccount account, Map<String, List<String>> params);
    }

    /** @param faultable whether the configured faults apply (everything but {@code /v1/account}) */
    public record Match(Route route, boolean faultable) {
    }

    private final Accounts accounts;
    private final Clock clock;
    private final long retentionSeconds;

    public ApiRoutes(Accounts accounts, Clock clock, long retentionSeconds) {
        this.accounts = accounts;
        this.clock = clock;
        this.retentionSeconds = retentionSeconds;
    }

    /** The route of a GET path, if it is one the simulator serves. */
    public Optional<Match> match(String method, String path) {
        if (!method.equals("GET") || path == null || !path.startsWith("/v1/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(4).split("/", -1);
        if (parts.length == 1 && parts[0].equals("account")) {
            return Optional.of(new Match((a, p) -> new Routed(Json.bytes(a::writeAccount), List.of()), false));
        }
        if (parts[0].equals("accounts")) {
            return parts.length == 1 ? route(this::accountList)
                    : parts.length == 2 && !parts[1].isEmpty() ? route((a, p) -> account(a, parts[1]))
                    : Optional.empty();
        }
        if (parts[0].equals("events")) {
            return parts.length == 1 ? route(this::events)
                    : parts.length == 2 && !parts[1].isEmpty() ? route((a, p) -> event(a, parts[1]))
                    : Optional.empty();
        }
        Optional<ResourceKind> kind = ResourceKind.byName(parts[0]);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        ResourceKind k = kind.get();
        if (parts.length == 1) {
            return route((a, p) -> list(a, k, p));
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            return route((a, p) -> retrieve(a, k, parts[1]));
        }
        if (parts.length == 3 && k == ResourceKind.INVOICES && !parts[1].isEmpty() && parts[2].equals("lines")) {
            return route((a, p) -> lines(a, parts[1], p));
        }
        return Optional.empty();
    }

    private static Optional<Match> route(Route r) {
        return Optional.of(new Match(r, true));
    }

    private Routed list(SimAccount account, ResourceKind kind, Map<String, List<String>> all) {
        Map<String, String> params = ListQuery.first(all);
        ListQuery q = ListQuery.parse(params);
        Predicate<Revision> filter = ListFilter.parse(kind, params);
        ObjectIndex index = account.index(kind);
        Entry after = q.startingAfter() == null ? null : cursor(kind, index, q.startingAfter(), "starting_after");
        Entry before = q.endingBefore() == null ? null : cursor(kind, index, q.endingBefore(), "ending_before");
        Page page = index.page(q.lo(), q.hi(), after, before, q.limit(), filter);
        ObjectRenderer renderer = account.renderer();
        return listBody("/v1/" + kind.path(), page.hasMore(), page.items(), Snapshot::id,
                (g, s) -> renderer.write(g, kind, s));
    }

    private static Entry cursor(ResourceKind kind, ObjectIndex index, String id, String param) {
        return index.find(id).orElseThrow(() -> StripeError.missing(kind.objectType(), id, param));
    }

    private Routed retrieve(SimAccount account, ResourceKind kind, String id) {
        Snapshot s = account.index(kind).find(id).map(Entry::snapshot)
                .orElseThrow(() -> StripeError.missing(kind.objectType(), id, "id"));
        if (s.revision().deleted()) {
            if (kind != ResourceKind.CUSTOMERS) {
                throw StripeError.missing(kind.objectType(), id, "id");
            }
            return new Routed(Json.bytes(g -> ObjectRenderer.writeDeletedStub(g, kind, id)), List.of());
        }
        return new Routed(Json.bytes(g -> account.renderer().write(g, kind, s)), List.of());
    }

    /** {@code /v1/invoices/{id}/lines}: the invoice's lines in order, paged like any list (created is ignored). */
    private Routed lines(SimAccount account, String invoiceId, Map<String, List<String>> all) {
        ListQuery q = ListQuery.parse(ListQuery.first(all));
        Snapshot invoice = account.index(ResourceKind.INVOICES).find(invoiceId).map(Entry::snapshot)
                .filter(s -> !s.revision().deleted())
                .orElseThrow(() -> StripeError.missing("invoice", invoiceId, "invoice"));
        InvoiceLines lines = account.renderer().lines();
        int n = lines.count(invoiceId);
        // Positions count from the last line, so Stripe's "highest position first" walks the lines in order.
        IntFunction<Integer> lineAt = p -> n - 1 - p;
        Paging.Window<Integer> w;
        if (q.endingBefore() != null) {
            int k = lineIndex(lines, invoiceId, q.endingBefore(), "ending_before");
            w = Paging.upFrom(lineAt, n - k, n, q.limit(), i -> true);
        } else {
            int below = q.startingAfter() == null ? n
                    : n - 1 - lineIndex(lines, invoiceId, q.startingAfter(), "starting_after");
            w = Paging.downFrom(lineAt, 0, below, q.limit(), i -> true);
        }
        return listBody(InvoiceLines.url(invoiceId), w.hasMore(), w.items(), i -> lines.lineId(invoiceId, i),
                (g, i) -> lines.writeLine(g, invoiceId, invoice.created(), i));
    }

    private static int lineIndex(InvoiceLines lines, String invoiceId, String lineId, String param) {
        int i = lines.indexOf(invoiceId, lineId);
        if (i < 0) {
            throw StripeError.missing("line item", lineId, param);
        }
        return i;
    }

    private Routed events(SimAccount account, Map<String, List<String>> params) {
        EventQuery q = EventQuery.parse(params);
        Paging.Window<EventRecord> w = account.events().page(q, clock.nanoTime(), oldestEvent());
        return listBody("/v1/events", w.hasMore(), w.items(), EventRecord::id,
                (g, e) -> EventRenderer.write(g, account, e));
    }

    private Routed event(SimAccount account, String id) {
        EventRecord e = account.events().find(id, clock.nanoTime(), oldestEvent())
                .orElseThrow(() -> StripeError.missing("event", id, "id"));
        return new Routed(Json.bytes(g -> EventRenderer.write(g, account, e)), List.of());
    }

    private long oldestEvent() {
        return clock.epochSecond() - retentionSeconds;
    }

    /** {@code /v1/accounts}: a platform's connected accounts, newest first; a connected account has none. */
    private Routed accountList(SimAccount account, Map<String, List<String>> all) {
        ListQuery q = ListQuery.parse(ListQuery.first(all));
        ObjectIndex index = account.connected() ? new ObjectIndex(List.of()) : accounts.listing();
        Entry after = q.startingAfter() == null ? null : accountCursor(index, q.startingAfter(), "starting_after");
        Entry before = q.endingBefore() == null ? null : accountCursor(index, q.endingBefore(), "ending_before");
        Page page = index.page(q.lo(), q.hi(), after, before, q.limit());
        return listBody("/v1/accounts", page.hasMore(), page.items(), Snapshot::id,
                (g, s) -> accounts.find(s.id()).writeAccount(g));
    }

    private static Entry accountCursor(ObjectIndex index, String id, String param) {
        return index.find(id).orElseThrow(() -> StripeError.missing("account", id, param));
    }

    private Routed account(SimAccount account, String id) {
        SimAccount found = accounts.find(id);
        boolean visible = found != null && (found == account || !account.connected());
        if (!visible) {
            throw StripeError.missing("account", id, "account");
        }
        return new Routed(Json.bytes(found::writeAccount), List.of());
    }

    @FunctionalInterface
    private interface ItemWriter<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    private static <T> Routed listBody(String url, boolean hasMore, List<T> items,
                                       Function<T, String> id, ItemWriter<T> writer) {
        byte[] body = Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeStringField("url", url);
            g.writeBooleanField("has_more", hasMore);
            g.writeArrayFieldStart("data");
            for (T item : items) {
                writer.write(g, item);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return new Routed(body, items.stream().map(id).toList());
    }
}
