package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.ChangeKind;
import java.util.SplittableRandom;

/**
 * How each resource's objects may change, as Stripe lets them: statuses, the transitions between them, which
 * changes are possible at all, and the event type each change emits. A rule only: it never reads a clock (the
 * caller passes the change's second) and draws from the random stream it is given.
 *
 * <ul>
 *   <li>customers: updated (name, email), deleted.</li>
 *   <li>charges: updated (description) or refunded; never deleted.</li>
 *   <li>invoices: draft → open (finalized) → paid | void | uncollectible; a paid, void or uncollectible invoice
 *       is still updated (description); only drafts are deleted.</li>
 *   <li>payment intents: requires_payment_method → requires_action → processing → succeeded, a failed payment
 *       back to requires_payment_method, canceled from any open status; succeeded and canceled are final; never
 *       deleted.</li>
 *   <li>subscriptions: trialing → active ⇄ past_due → unpaid, active ⇄ paused, incomplete → active |
 *       incomplete_expired; a "deletion" cancels (status canceled, event {@code customer.subscription.deleted});
 *       canceled and incomplete_expired ones are final.</li>
 *   <li>products and prices: updated (name or nickname, active), deleted.</li>
 *   <li>refunds: updated (metadata); never deleted.</li>
 * </ul>
 */
public final class Lifecycle {

    /** One change: the object's next revision and what Stripe calls it. */
    public record Step(Revision next, String eventType, ChangeKind kind) {
    }

    private static final String[] INVOICE_STATUS = {"paid", "paid", "paid", "paid", "open", "open", "draft", "void",
        "uncollectible"};
    private static final String[] PI_STATUS = {"succeeded", "succeeded", "succeeded", "requires_payment_method",
        "processing", "canceled"};
    /** About a fifth canceled, as in an account a few years old; hidden from the default list. */
    private static final String[] SUB_STATUS = {"active", "active", "active", "active", "active", "active", "active",
        "active", "active", "active", "trialing", "trialing", "past_due", "unpaid", "incomplete",
        "incomplete_expired", "paused", "canceled", "canceled", "canceled", "canceled"};

    private Lifecycle() {
    }

    /** The status of a generated object, drawn from its own stream (null for resources without one). */
    public static String initialStatus(ResourceKind kind, SplittableRandom r) {
        return switch (kind) {
            case CUSTOMERS -> null;
            case CHARGES, REFUNDS -> "succeeded";
            case INVOICES -> pick(r, INVOICE_STATUS);
            case PAYMENT_INTENTS -> pick(r, PI_STATUS);
            case SUBSCRIPTIONS -> pick(r, SUB_STATUS);
            case PRODUCTS, PRICES -> r.nextInt(10) == 0 ? "inactive" : "active";
        };
    }

    /** The status of an object created while running: a new invoice is a draft, a new payment is still open. */
    public static String freshStatus(ResourceKind kind, SplittableRandom r) {
        return switch (kind) {
            case CUSTOMERS -> null;
            case CHARGES, REFUNDS -> "succeeded";
            case INVOICES -> "draft";
            case PAYMENT_INTENTS -> "requires_payment_method";
            case SUBSCRIPTIONS -> r.nextInt(5) == 0 ? "trialing" : "active";
            case PRODUCTS, PRICES -> "active";
        };
    }

    /** The event a new object of this resource emits. */
    public static String createdEvent(ResourceKind kind) {
        return switch (kind) {
            case CHARGES -> "charge.succeeded";
            case SUBSCRIPTIONS -> "customer.subscription.created";
            default -> kind.objectType() + ".created";
        };
    }

    /** Whether an update can happen to an object in this revision. */
    public static boolean updatable(ResourceKind kind, Revision r) {
        if (r.deleted()) {
            return false;
        }
        return switch (kind) {
            case PAYMENT_INTENTS -> !"succeeded".equals(r.status()) && !"canceled".equals(r.status());
            case SUBSCRIPTIONS -> !ended(r.status());
            default -> true;
        };
    }

    /** Whether a deletion (a cancellation, for subscriptions) can happen to an object in this revision. */
    public static boolean deletable(ResourceKind kind, Revision r) {
        if (r.deleted()) {
            return false;
        }
        return switch (kind) {
            case CUSTOMERS, PRODUCTS, PRICES -> true;
            case INVOICES -> "draft".equals(r.status());
            case SUBSCRIPTIONS -> !ended(r.status());
            case CHARGES, PAYMENT_INTENTS, REFUNDS -> false;
        };
    }

    /** Whether this resource's objects can ever be deleted or canceled. */
    public static boolean everDeletable(ResourceKind kind) {
        return switch (kind) {
            case CHARGES, PAYMENT_INTENTS, REFUNDS -> false;
            default -> true;
        };
    }

    /**
     * The update of an object at {@code second}.
     *
     * @throws IllegalStateException if {@link #updatable} says no
     */
    public static Step update(ResourceKind kind, Revision old, SplittableRandom r, long second) {
        if (!updatable(kind, old)) {
            throw new IllegalStateException("a " + kind.objectType() + " that is "
                    + (old.deleted() ? "deleted" : old.status()) + " cannot be updated");
        }
        String s = old.status();
        double u = r.nextDouble();
        return switch (kind) {
            case CUSTOMERS, REFUNDS -> step(old.updated(s, second), kind.objectType() + ".updated");
            case CHARGES -> "succeeded".equals(s) && u < 0.25
                    ? step(old.updated("refunded", second), "charge.refunded")
                    : step(old.updated(s, second), "charge.updated");
            case INVOICES -> switch (s) {
                case "draft" -> step(old.finalized(second), "invoice.finalized");
                case "open" -> u < 0.6 ? step(old.updated("paid", second), "invoice.paid")
                        : u < 0.8 ? step(old.updated("void", second), "invoice.voided")
                        : step(old.updated("uncollectible", second), "invoice.marked_uncollectible");
                default -> step(old.updated(s, second), "invoice.updated");
            };
            case PAYMENT_INTENTS -> switch (s) {
                case "requires_payment_method" -> u < 0.25
                        ? step(old.updated("requires_action", second), "payment_intent.requires_action")
                        : u < 0.8 ? step(old.updated("processing", second), "payment_intent.processing")
                        : step(old.updated("canceled", second), "payment_intent.canceled");
                case "requires_action" -> step(old.updated("processing", second), "payment_intent.processing");
                default -> u < 0.8 ? step(old.updated("succeeded", second), "payment_intent.succeeded")
                        : step(old.updated("requires_payment_method", second), "payment_intent.payment_failed");
            };
            case SUBSCRIPTIONS -> subscription(old, u, second);
            case PRODUCTS, PRICES -> {
                boolean toggle = u < (kind == ResourceKind.PRODUCTS ? 0.3 : 0.5);
                String next = toggle ? ("active".equals(s) ? "inactive" : "active") : s;
                yield step(old.updated(next, second), kind.objectType() + ".updated");
            }
        };
    }

    /**
     * The deletion (for subscriptions: the cancellation) of an object at {@code second}.
     *
     * @throws IllegalStateException if {@link #deletable} says no
     */
    public static Step delete(ResourceKind kind, Revision old, long second) {
        if (!deletable(kind, old)) {
            throw new IllegalStateException(everDeletable(kind)
                    ? "a " + kind.objectType() + " that is " + (old.deleted() ? "deleted" : old.status())
                            + " cannot be " + (kind == ResourceKind.SUBSCRIPTIONS ? "canceled" : "deleted")
                    : "Stripe never deletes a " + kind.objectType());
        }
        if (kind == ResourceKind.SUBSCRIPTIONS) {
            return new Step(old.updated("canceled", second), "customer.subscription.deleted", ChangeKind.CANCELED);
        }
        return new Step(old.asDeleted(), kind.objectType() + ".deleted", ChangeKind.DELETED);
    }

    private static Step subscription(Revision old, double u, long second) {
        String s = old.status();
        String next = switch (s) {
            case "trialing", "unpaid", "paused" -> "active";
            case "past_due" -> u < 0.6 ? "active" : "unpaid";
            case "incomplete" -> u < 0.7 ? "active" : "incomplete_expired";
            default -> u < 0.2 ? "past_due" : u < 0.3 ? "paused" : "active";
        };
        String type = next.equals("paused") && !s.equals("paused") ? "customer.subscription.paused"
                : s.equals("paused") ? "customer.subscription.resumed"
                : "customer.subscription.updated";
        return step(old.updated(next, second), type);
    }

    private static boolean ended(String status) {
        return "canceled".equals(status) || "incomplete_expired".equals(status);
    }

    private static Step step(Revision next, String type) {
        return new Step(next, type, ChangeKind.UPDATED);
    }

    private static String pick(SplittableRandom r, String[] values) {
        return values[r.nextInt(values.length)];
    }
}
