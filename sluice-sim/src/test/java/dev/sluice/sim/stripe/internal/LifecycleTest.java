package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sim.stripe.ChangeKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lifecycle rule alone: statuses stay Stripe's, final ones stay final, every event type is Stripe's. */
class LifecycleTest {

    /** Stripe's event types for the resources the simulator serves (REFERENCE.md, "keeping a copy true"). */
    static final Set<String> STRIPE_TYPES = Set.of("customer.created", "customer.updated", "customer.deleted",
            "charge.succeeded", "charge.updated", "charge.refunded",
            "invoice.created", "invoice.finalized", "invoice.paid", "invoice.voided", "invoice.marked_uncollectible",
            "invoice.updated", "invoice.deleted",
            "payment_intent.created", "payment_intent.requires_action", "payment_intent.processing",
            "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
            "customer.subscription.created", "customer.subscription.updated", "customer.subscription.paused",
            "customer.subscription.resumed", "customer.subscription.deleted",
            "product.created", "product.updated", "product.deleted", "price.created", "price.updated",
            "price.deleted", "refund.created", "refund.updated");
    static final Map<ResourceKind, Set<String>> STATUSES = Map.of(
            ResourceKind.INVOICES, Set.of("draft", "open", "paid", "void", "uncollectible"),
            ResourceKind.PAYMENT_INTENTS, Set.of("requires_payment_method", "requires_action", "processing",
                    "succeeded", "canceled"),
            ResourceKind.SUBSCRIPTIONS, Set.of("trialing", "active", "past_due", "unpaid", "incomplete",
                    "incomplete_expired", "paused", "canceled"),
            ResourceKind.PRODUCTS, Set.of("active", "inactive"),
            ResourceKind.PRICES, Set.of("active", "inactive"),
            ResourceKind.CHARGES, Set.of("succeeded", "refunded"),
            ResourceKind.REFUNDS, Set.of("succeeded"));

    @Test
    void randomWalksStayWithinStripesStatusesAndEventTypes() {
        SplittableRandom r = new SplittableRandom(5);
        Map<String, Integer> typesSeen = new HashMap<>();
        for (ResourceKind kind : ResourceKind.values()) {
            assertThat(STRIPE_TYPES).contains(Lifecycle.createdEvent(kind));
            for (int walk = 0; walk < 300; walk++) {
                Revision rev = Revision.initial(walk % 2 == 0 ? Lifecycle.initialStatus(kind, r)
                        : Lifecycle.freshStatus(kind, r));
                long second = 1_000;
                int steps = r.nextInt(13); // sometimes none: a fresh draft invoice is deleted
                for (int step = 0; step < steps && Lifecycle.updatable(kind, rev); step++) {
                    Lifecycle.Step s = Lifecycle.update(kind, rev, r, ++second);
                    assertThat(s.kind()).isEqualTo(ChangeKind.UPDATED);
                    assertThat(s.next().version()).isEqualTo(rev.version() + 1);
                    assertThat(s.next().updatedAt()).isEqualTo(second);
                    typesSeen.merge(s.eventType(), 1, Integer::sum);
                    rev = s.next();
                    if (STATUSES.containsKey(kind)) {
                        assertThat(STATUSES.get(kind)).as(kind + " " + s.eventType()).contains(rev.status());
                    }
                }
                if (Lifecycle.deletable(kind, rev)) {
                    Lifecycle.Step d = Lifecycle.delete(kind, rev, second + 1);
                    typesSeen.merge(d.eventType(), 1, Integer::sum);
                    assertThat(Lifecycle.updatable(kind, d.next())).as("nothing comes after an end").isFalse();
                    assertThat(Lifecycle.deletable(kind, d.next())).isFalse();
                }
            }
        }
        assertThat(STRIPE_TYPES).containsAll(typesSeen.keySet());
        assertThat(typesSeen.keySet()).contains("invoice.finalized", "invoice.paid", "invoice.voided",
                "invoice.marked_uncollectible", "invoice.deleted", "payment_intent.succeeded",
                "payment_intent.payment_failed", "customer.subscription.paused", "customer.subscription.resumed",
                "customer.subscription.deleted", "charge.refunded", "product.deleted", "price.deleted");
    }

    @Test
    void aSubscriptionIsCanceledNotDeletedAndOtherDeletionsKeepTheFields() {
        Lifecycle.Step cancel = Lifecycle.delete(ResourceKind.SUBSCRIPTIONS, Revision.initial("active"), 77);
        assertThat(cancel.kind()).isEqualTo(ChangeKind.CANCELED);
        assertThat(cancel.eventType()).isEqualTo("customer.subscription.deleted");
        assertThat(cancel.next().deleted()).isFalse();
        assertThat(cancel.next().status()).isEqualTo("canceled");
        assertThat(cancel.next().statusAt()).isEqualTo(77);

        Revision customer = Revision.initial(null).updated(null, 50);
        Lifecycle.Step gone = Lifecycle.delete(ResourceKind.CUSTOMERS, customer, 60);
        assertThat(gone.kind()).isEqualTo(ChangeKind.DELETED);
        assertThat(gone.next().deleted()).isTrue();
        assertThat(gone.next().version()).as("the last state, as the deletion's event carries it").isEqualTo(1);
    }

    @Test
    void whatStripeNeverAllowsIsRefused() {
        for (ResourceKind kind : Set.of(ResourceKind.CHARGES, ResourceKind.PAYMENT_INTENTS, ResourceKind.REFUNDS)) {
            assertThat(Lifecycle.everDeletable(kind)).isFalse();
            assertThatThrownBy(() -> Lifecycle.delete(kind, Revision.initial("succeeded"), 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("never deletes");
        }
        assertThatThrownBy(() -> Lifecycle.delete(ResourceKind.INVOICES, Revision.initial("paid"), 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Lifecycle.update(ResourceKind.PAYMENT_INTENTS, Revision.initial("succeeded"),
                new SplittableRandom(1), 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Lifecycle.update(ResourceKind.SUBSCRIPTIONS, Revision.initial("incomplete_expired"),
                new SplittableRandom(1), 1)).isInstanceOf(IllegalStateException.class);
        assertThat(Lifecycle.freshStatus(ResourceKind.INVOICES, new SplittableRandom(1))).isEqualTo("draft");
    }
}
