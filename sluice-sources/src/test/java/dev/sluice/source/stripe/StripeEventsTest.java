package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.FeedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How each kind of Stripe event becomes a change, or is skipped; no I/O. */
class StripeEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FeedEvent read(String type, String object) throws Exception {
        return StripeEvents.read(JSON.readTree("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"" + type
                + "\",\"created\":1700000100,\"data\":{\"object\":" + object + "}}")).orElseThrow();
    }

    @Test
    void anUpdateCarriesTheObjectAtItsSecondAndRank() throws Exception {
        FeedEvent e = read("customer.updated", "{\"id\":\"cus_1\",\"object\":\"customer\",\"created\":1600000000}");
        Change c = e.change();
        assertThat(c.stream()).isEqualTo("customers");
        assertThat(c.id()).isEqualTo("cus_1");
        assertThat(c.created()).isEqualTo(1_600_000_000L);
        assertThat(c.version()).isEqualTo(1_700_000_100_500L);
        assertThat(c.kind()).isEqualTo(Change.Kind.UPSERT);
        assertThat(c.event()).isEqualTo(new Change.Event("evt_1", 1_700_000_100L, Rank.UPDATED, "customer.updated"));
        assertThat(JSON.readTree(c.json()).path("created").asLong()).isEqualTo(1_600_000_000L);
    }

    @Test
    void creationsRankFirstAndDeletionsLast() throws Exception {
        assertThat(read("product.created", "{\"id\":\"prod_1\",\"object\":\"product\",\"created\":1}").change()
                .event().rank()).isEqualTo(Rank.CREATED);
        FeedEvent deleted = read("product.deleted", "{\"id\":\"prod_1\",\"object\":\"product\",\"created\":1,"
                + "\"name\":\"last\"}");
        assertThat(deleted.change().kind()).isEqualTo(Change.Kind.DELETE);
        assertThat(deleted.change().event().rank()).isEqualTo(Rank.DELETED);
        assertThat(deleted.change().json()).contains("\"name\":\"last\"");
    }

    @Test
    void aDeletedCustomerStubKeepsTheStoredData() throws Exception {
        Change c = read("customer.deleted", "{\"id\":\"cus_1\",\"object\":\"customer\",\"deleted\":true}").change();
        assertThat(c.kind()).isEqualTo(Change.Kind.DELETE);
        assertThat(c.json()).isNull();
        assertThat(c.created()).isEqualTo(Change.UNKNOWN_CREATED);
    }

    @Test
    void aCanceledSubscriptionIsStoredNotDeleted() throws Exception {
        Change c = read("customer.subscription.deleted",
                "{\"id\":\"sub_1\",\"object\":\"subscription\",\"created\":5,\"status\":\"canceled\"}").change();
        assertThat(c.stream()).isEqualTo("subscriptions");
        assertThat(c.kind()).isEqualTo(Change.Kind.UPSERT);
        assertThat(c.event().rank()).isEqualTo(Rank.UPDATED);
    }

    @Test
    void aRefundEventOfAChargeLandsInRefunds() throws Exception {
        assertThat(read("charge.refund.updated", "{\"id\":\"re_1\",\"object\":\"refund\",\"created\":5}").change()
                .stream()).isEqualTo("refunds");
    }

    @Test
    void unusableEventsAreSkippedWithTheirReason() throws Exception {
        assertThat(read("invoice.upcoming", "{\"object\":\"invoice\",\"created\":5}").skipped())
                .isEqualTo("unknown type");
        assertThat(read("account.updated", "{\"id\":\"acct_1\",\"object\":\"account\"}").skipped())
                .isEqualTo("unknown type");
        assertThat(read("invoice.paid", "{\"object\":\"invoice\",\"created\":5}").skipped()).isEqualTo("no object id");
        assertThat(read("invoice.paid", "{\"id\":\"ch_1\",\"object\":\"charge\"}").skipped())
                .isEqualTo("object is charge, not invoice");
        assertThat(StripeEvents.read(JSON.readTree("{\"id\":\"evt_1\",\"type\":\"customer.updated\"}"))).isEmpty();
    }

    @Test
    void typesAreAskedForInGroupsOfAtMostTwenty() {
        List<String> all = StripeEventTypes.forResources(List.of("customers", "charges", "invoices",
                "payment_intents", "subscriptions", "products", "prices", "refunds"));
        assertThat(all).hasSize(51).doesNotContain("invoice.upcoming").contains("charge.refund.updated");
        List<List<String>> groups = StripeEventTypes.requestGroups(all);
        assertThat(groups).hasSize(3).allMatch(g -> g.size() <= 20);
        assertThat(groups.stream().flatMap(List::stream).toList()).isEqualTo(all);
        assertThat(StripeEventTypes.forResources(List.of("customers"))).containsExactly("customer.created",
                "customer.updated", "customer.deleted");
    }
}
