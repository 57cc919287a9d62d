package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Item;
import dev.sluice.sim.stripe.SimClient.Reply;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/events}: Stripe's shape, order, parameters and errors, eventual consistency and retention. */
class StripeSimulatorEventsTest {

    static final long NOW = 1_750_000_000L;
    static final long T = NOW + 1_000;

    private static StripeSimulator start(FakeClock clock, StripeSimConfig.Builder b) {
        return StripeSimulator.start(b.port(0).now(NOW).seed(8).objects(900).rps(Double.POSITIVE_INFINITY)
                .resources("customers,invoices,subscriptions").build(), clock);
    }

    /** Events newest first by created, then by the order they happened. */
    private static List<String> expectedOrder(StripeSimulator sim) {
        List<Change> changes = new ArrayList<>(sim.changes());
        changes.sort(Comparator.comparingLong((Change c) -> c.atMillis() / 1000).thenComparingLong(Change::sequence)
                .reversed());
        return changes.stream().map(Change::eventId).toList();
    }

    @Test
    void anEventCarriesTheObjectAsChangedAndTheOldValuesOfWhatChanged() {
        FakeClock clock = new FakeClock(T);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder())) {
            SimClient c = new SimClient(sim);
            String id = c.get("/v1/customers?limit=1").ids().getFirst();
            JsonNode before = c.get("/v1/customers/" + id).json();
            Change change = sim.update(null, "customers", id);
            clock.advanceMillis(1_000);

            Reply r = c.get("/v1/events/" + change.eventId());
            assertThat(r.status()).isEqualTo(200);
            JsonNode e = r.json();
            assertThat(e.get("id").asText()).isEqualTo(change.eventId());
            assertThat(e.get("object").asText()).isEqualTo("event");
            assertThat(e.get("type").asText()).isEqualTo("customer.updated");
            assertThat(e.get("created").asLong()).isEqualTo(T);
            assertThat(e.get("api_version").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(e.get("livemode").asBoolean()).isFalse();
            assertThat(e.get("pending_webhooks").asInt()).isZero();
            assertThat(e.at("/request/id").asText()).startsWith("req_");
            assertThat(e.at("/request/idempotency_key").asText()).isNotEmpty();
            assertThat(e.has("account")).as("platform events have no account").isFalse();
            assertThat(e.at("/data/object")).isEqualTo(c.get("/v1/customers/" + id).json());
            JsonNode previous = e.at("/data/previous_attributes");
            assertThat(previous.get("email")).isEqualTo(before.get("email"));
            assertThat(previous.get("name")).isEqualTo(before.get("name"));
            assertThat(previous.at("/metadata/sim_version").isNull()).as("added key: old value null").isTrue();
            assertThat(previous.has("address")).as("unchanged fields are left out").isFalse();
            assertThat(previous.get("metadata").has("order_id")).isFalse();

            Change created = sim.create(null, "customers");
            Change deleted = sim.delete(null, "customers", id);
            clock.advanceMillis(1_000);
            JsonNode ce = c.get("/v1/events/" + created.eventId()).json();
            assertThat(ce.get("type").asText()).isEqualTo("customer.created");
            assertThat(ce.at("/data/object/id").asText()).isEqualTo(created.objectId());
            assertThat(ce.at("/data/previous_attributes").isMissingNode()).isTrue();
            JsonNode de = c.get("/v1/events/" + deleted.eventId()).json();
            assertThat(de.get("type").asText()).isEqualTo("customer.deleted");
            assertThat(de.at("/data/object/email")).isEqualTo(e.at("/data/object/email"));
        }
    }

    @Test
    void theListIsNewestFirstWithCreatedFiltersAndBothCursors() {
        FakeClock clock = new FakeClock(T);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder())) {
            SimClient c = new SimClient(sim);
            // Several changes of one object share a second, and so do changes of different objects.
            String hot = c.get("/v1/customers?limit=1").ids().getFirst();
            for (int second = 0; second < 5; second++) {
                for (int i = 0; i < 7; i++) {
                    sim.update(null, "customers", i < 3 ? hot : null);
                    sim.update(null, "subscriptions", null);
                }
                sim.create(null, "invoices");
                clock.advanceMillis(1_000);
            }
            clock.advanceMillis(1_000);
            List<String> expected = expectedOrder(sim);
            assertThat(expected).hasSize(75);

            assertThat(c.pageAll("events", "", 100)).extracting(Item::id).isEqualTo(expected);
            assertThat(c.pageAll("events", "", 4)).extracting(Item::id).isEqualTo(expected);
            assertThat(c.pageAll("events", "", 100)).extracting(Item::created)
                    .isSortedAccordingTo(Comparator.reverseOrder());
            List<Item> middle = c.pageAll("events", "created%5Bgte%5D=" + (T + 1) + "&created%5Blt%5D=" + (T + 3), 6);
            assertThat(middle).hasSize(30).allSatisfy(i -> assertThat(i.created()).isBetween(T + 1, T + 2));
            assertThat(c.pageAll("events", "created%5Bgt%5D=" + (T + 3), 100)).hasSize(15);
            assertThat(c.pageAll("events", "created%5Blte%5D=" + T, 100)).hasSize(15);

            Reply before = c.get("/v1/events?limit=5&ending_before=" + expected.get(20));
            assertThat(before.ids()).isEqualTo(expected.subList(15, 20));
            assertThat(before.hasMore()).isTrue();
            Reply after = c.get("/v1/events?limit=5&starting_after=" + expected.get(70));
            assertThat(after.ids()).isEqualTo(expected.subList(71, 75));
            assertThat(after.hasMore()).isFalse();

            Reply unknown = c.get("/v1/events?starting_after=evt_nope");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().at("/error/code").asText()).isEqualTo("resource_missing");
            assertThat(unknown.json().at("/error/param").asText()).isEqualTo("starting_after");
            assertThat(c.get("/v1/events/evt_nope").status()).isEqualTo(404);
        }
    }

    @Test
    void typeTypesAndDeliverySuccessFilterAsStripesDo() {
        FakeClock clock = new FakeClock(T);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder())) {
            SimClient c = new SimClient(sim);
            for (int i = 0; i < 10; i++) {
                sim.update(null, "customers", null);
                sim.delete(null, "subscriptions", null);
                sim.create(null, "invoices");
            }
            sim.delete(null, "customers", null);
            clock.advanceMillis(1_000);

            assertThat(c.pageAll("events", "type=customer.updated", 100)).hasSize(10);
            assertThat(c.pageAll("events", "type=customer.*", 100)).as("wildcard reaches customer.subscription.*")
                    .hasSize(21);
            assertThat(c.pageAll("events", "type=*.deleted", 100)).hasSize(11);
            assertThat(c.pageAll("events", "types%5B%5D=customer.deleted&types%5B%5D=invoice.created", 100))
                    .hasSize(11);
            assertThat(c.pageAll("events", "types%5B0%5D=customer.subscription.deleted", 3)).hasSize(10);

            Reply both = c.get("/v1/events?type=customer.updated&types%5B%5D=invoice.created");
            assertThat(both.status()).isEqualTo(400);
            assertThat(both.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(both.json().at("/error/message").asText()).contains("type", "types");
            String twenty = IntStream.range(0, 20).mapToObj(i -> "types%5B%5D=t" + i).collect(Collectors.joining("&"));
            assertThat(c.get("/v1/events?" + twenty).status()).isEqualTo(200);
            Reply many = c.get("/v1/events?" + twenty + "&types%5B%5D=one.more");
            assertThat(many.status()).isEqualTo(400);
            assertThat(many.json().at("/error/param").asText()).isEqualTo("types");
            assertThat(c.get("/v1/events?limit=101").json().at("/error/param").asText()).isEqualTo("limit");
            assertThat(c.get("/v1/events?limit=100").status()).isEqualTo(200);
            assertThat(c.get("/v1/events?starting_after=a&ending_before=b").status()).isEqualTo(400);

            // Without a webhook endpoint nothing is pending: every event counts as delivered.
            assertThat(c.pageAll("events", "delivery_success=true", 100)).hasSize(31);
            assertThat(c.pageAll("events", "delivery_success=false", 100)).isEmpty();
            assertThat(c.get("/v1/events?delivery_success=yes").json().at("/error/param").asText())
                    .isEqualTo("delivery_success");
        }
    }

    @Test
    void anEventIsListedWithinOneSecondOfItsChangeSoAPollerBehindNowSeesThemAll() {
        FakeClock clock = new FakeClock(T);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder())) {
            SimClient c = new SimClient(sim);
            for (int i = 0; i < 60; i++) {
                sim.update(null, "customers", null);
            }
            int seenAtOnce = c.pageAll("events", "", 100).size();
            clock.advanceMillis(500);
            int seenHalfway = c.pageAll("events", "", 100).size();
            clock.advanceMillis(500);
            List<Item> later = c.pageAll("events", "", 100);

            assertThat(seenAtOnce).as("the list is eventually consistent").isLessThan(60);
            assertThat(seenHalfway).isBetween(seenAtOnce, 60);
            assertThat(later).as("all listed one second after their change").hasSize(60);
            List<String> hidden = sim.changes().stream().map(Change::eventId).toList();
            assertThat(later).extracting(Item::id).containsExactlyInAnyOrderElementsOf(hidden);
        }
    }

    @Test
    void eventsOlderThanTheRetentionAreGone() {
        FakeClock clock = new FakeClock(T);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder().eventsRetention(Duration.ofSeconds(10)))) {
            SimClient c = new SimClient(sim);
            Change old = sim.update(null, "customers", null);
            clock.advanceMillis(5_000);
            Change recent = sim.update(null, "customers", null);
            clock.advanceMillis(2_000);
            assertThat(c.pageAll("events", "", 100)).extracting(Item::id)
                    .containsExactly(recent.eventId(), old.eventId());

            clock.advanceMillis(4_000); // now T+11: old (T) is past 10 s, recent (T+5) is not
            assertThat(c.pageAll("events", "", 100)).extracting(Item::id).containsExactly(recent.eventId());
            assertThat(c.get("/v1/events/" + old.eventId()).status()).isEqualTo(404);
            assertThat(c.get("/v1/events?starting_after=" + old.eventId()).status()).isEqualTo(404);
            assertThat(c.get("/v1/events/" + recent.eventId()).status()).isEqualTo(200);
        }
    }
}
