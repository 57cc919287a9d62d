package dev.sluice.sim.stripe.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which objects a list shows, from the resource and its parameters, as Stripe decides: deleted objects never;
 * subscriptions without {@code status} all but canceled ones ({@code status=all} shows every one, {@code ended}
 * canceled and incomplete_expired ones); invoices by {@code status}; products and prices by {@code active}.
 */
public final class ListFilter {

    static final List<String> SUBSCRIPTION_STATUSES = List.of("active", "all", "canceled", "ended", "incomplete",
            "incomplete_expired", "past_due", "paused", "trialing", "unpaid");
    static final List<String> INVOICE_STATUSES = List.of("draft", "open", "paid", "uncollectible", "void");

    private ListFilter() {
    }

    /** @throws StripeError 400 for a status or active value Stripe would refuse */
    public static Predicate<Revision> parse(ResourceKind kind, Map<String, String> params) {
        Predicate<Revision> existing = ObjectIndex.EXISTING;
        String status = value(params, "status");
        return switch (kind) {
            case SUBSCRIPTIONS -> {
                if (status == null) {
                    yield existing.and(r -> !"canceled".equals(r.status()));
                }
                check(status, SUBSCRIPTION_STATUSES);
                yield switch (status) {
                    case "all" -> existing;
                    case "ended" -> existing.and(r -> "canceled".equals(r.status())
                            || "incomplete_expired".equals(r.status()));
                    default -> existing.and(r -> status.equals(r.status()));
                };
            }
            case INVOICES -> {
                if (status == null) {
                    yield existing;
                }
                check(status, INVOICE_STATUSES);
                yield existing.and(r -> status.equals(r.status()));
            }
            case PRODUCTS, PRICES -> {
                String active = value(params, "active");
                if (active == null) {
                    yield existing;
                }
                if (!active.equals("true") && !active.equals("false")) {
                    throw StripeError.invalidRequest(400, "Invalid boolean: " + active, "active");
                }
                String wanted = active.equals("true") ? "active" : "inactive";
                yield existing.and(r -> wanted.equals(r.status()));
            }
            default -> existing;
        };
    }

    private static void check(String status, List<String> allowed) {
        if (!allowed.contains(status)) {
            throw StripeError.invalidRequest(400, "Invalid status: must be one of "
                    + String.join(", ", allowed.subList(0, allowed.size() - 1)) + ", or " + allowed.getLast(),
                    "status");
        }
    }

    private static String value(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
