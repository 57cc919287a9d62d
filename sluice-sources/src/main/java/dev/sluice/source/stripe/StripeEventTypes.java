package dev.sluice.source.stripe;

import dev.sluice.sync.Change.Kind;
import dev.sluice.sync.Change.Rank;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Stripe event types change which table, and how. Facts from Stripe's event catalogue:
 * <ul>
 * <li>{@code customer.deleted}, {@code invoice.deleted}, {@code product.deleted} and {@code price.deleted} are
 * deletions;</li>
 * <li>{@code customer.subscription.deleted} is not: the subscription is canceled, and its payload is the
 * subscription with {@code status: canceled} — it is stored;</li>
 * <li>{@code charge.refund.updated} carries a refund;</li>
 * <li>{@code invoice.upcoming} describes an invoice that does not exist yet (no id) and is never used.</li>
 * </ul>
 * A {@code .created} event ranks first within its second, a deletion last, every other type between.
 */
public final class StripeEventTypes {
    /** What one event type does: the table it changes, whether the object then exists, and its rank. */
    public record Type(String name, String resource, String objectType, Kind kind, Rank rank) {
    }

    /** Stripe's {@code types[]} takes at most this many names per request. */
    public static final int MAX_TYPES_PER_REQUEST = 20;

    private static final Map<String, Type> BY_NAME = new LinkedHashMap<>();

    static {
        resource("customers", "customer", "customer.created", "customer.updated", "customer.deleted");
        resource("charges", "charge", null, "charge.captured", "charge.expired", "charge.failed", "charge.pending",
                "charge.refunded", "charge.succeeded", "charge.updated");
        resource("invoices", "invoice", "invoice.created", "invoice.deleted", "invoice.finalized",
                "invoice.finalization_failed", "invoice.marked_uncollectible", "invoice.overdue", "invoice.overpaid",
                "invoice.paid", "invoice.payment_action_required", "invoice.payment_failed",
                "invoice.payment_succeeded", "invoice.sent", "invoice.updated", "invoice.voided",
                "invoice.will_be_due");
        resource("payment_intents", "payment_intent", "payment_intent.created",
                "payment_intent.amount_capturable_updated", "payment_intent.canceled",
                "payment_intent.partially_funded", "payment_intent.payment_failed", "payment_intent.processing",
                "payment_intent.requires_action", "payment_intent.succeeded");
        resource("subscriptions", "subscription", "customer.subscription.created", "customer.subscription.updated",
                "customer.subscription.deleted", "customer.subscription.paused", "customer.subscription.resumed",
                "customer.subscription.trial_will_end", "customer.subscription.pending_update_applied",
                "customer.subscription.pending_update_expired");
        resource("products", "product", "product.created", "product.updated", "product.deleted");
        resource("prices", "price", "price.created", "price.updated", "price.deleted");
        resource("refunds", "refund", "refund.created", "refund.updated", "refund.failed", "charge.refund.updated");
    }

    /**
     * Registers a resource's types: the first is its creation (null when Stripe has none), the rest updates, except
     * a {@code .deleted} that is a deletion.
     */
    private static void resource(String resource, String objectType, String created, String... others) {
        if (created != null) {
            BY_NAME.put(created, new Type(created, resource, objectType, Kind.UPSERT, Rank.CREATED));
        }
        for (String name : others) {
            boolean deletion = name.endsWith(".deleted") && !name.startsWith("customer.subscription.");
            BY_NAME.put(name, new Type(name, resource, objectType, deletion ? Kind.DELETE : Kind.UPSERT,
                    deletion ? Rank.DELETED : Rank.UPDATED));
        }
    }

    private StripeEventTypes() {
    }

    public static Optional<Type> of(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The event types that change {@code resources}' tables, in the catalogue's order. */
    public static List<String> forResources(List<String> resources) {
        List<String> out = new ArrayList<>();
        for (Type t : BY_NAME.values()) {
            if (resources.contains(t.resource())) {
                out.add(t.name());
            }
        }
        return out;
    }

    /** {@code types} in groups of at most {@link #MAX_TYPES_PER_REQUEST}, one request's {@code types[]} each. */
    public static List<List<String>> requestGroups(List<String> types) {
        List<List<String>> groups = new ArrayList<>();
        for (int from = 0; from < types.size(); from += MAX_TYPES_PER_REQUEST) {
            groups.add(List.copyOf(types.subList(from, Math.min(types.size(), from + MAX_TYPES_PER_REQUEST))));
        }
        return groups;
    }
}
