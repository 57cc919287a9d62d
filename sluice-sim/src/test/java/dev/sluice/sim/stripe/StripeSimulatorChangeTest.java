package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Item;
import dev.sluice.sim.stripe.SimClient.Reply;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Objects change as Stripe's do: updates move real fields and statuses, deletions hide objects from lists and
 * answer retrieves as Stripe does, subscriptions are canceled instead; the ground truth matches what the API shows.
 */
class StripeSimulatorChangeTest {

    static final long NOW = 1_750_000_000L;
    static final List<String> ALL = List.of("customers", "charges", "invoices", "payment_intents", "subscriptions",
            "products", "prices", "refunds");

    private static StripeSimulator start(FakeClock clock, StripeSimConfig.Builder b) {
        return StripeSimulator.start(b.port(0).now(NOW).rps(Double.POSITIVE_INFINITY).build(), clock);
    }

    private static StripeSimulator all(FakeClock clock) {
        return start(clock, StripeSimConfig.builder().seed(3).objects(1_600).resources(ALL));
    }

    @Test
    void anUpdateChangesRealFieldsAndCountsSimVersion() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            String id = c.get("/v1/customers?limit=1").ids().getFirst();
            JsonNode before = c.get("/v1/customers/" + id).json();
            assertThat(before.at("/metadata/sim_version").isMissingNode()).isTrue();

            Change change = sim.update(null, "customers", id);
            JsonNode after = c.get("/v1/customers/" + id).json();

            assertThat(change.objectId()).isEqualTo(id);
            assertThat(change.kind()).isEqualTo(ChangeKind.UPDATED);
            assertThat(change.eventType()).isEqualTo("customer.updated");
            assertThat(change.eventId()).matches("evt_[0-9A-Za-z]{24}");
            assertThat(change.atMillis()).isEqualTo(clock.epochMillis());
            assertThat(change.account()).isNull();
            assertThat(after.at("/metadata/sim_version").asText()).isEqualTo("1");
            assertThat(after.get("email").asText()).isNotEqualTo(before.get("email").asText());
            assertThat(after.get("created")).isEqualTo(before.get("created"));
            assertThat(after.get("address")).isEqualTo(before.get("address")); // only what an update changes
            sim.update(null, "customers", id);
            assertThat(c.get("/v1/customers/" + id).json().at("/metadata/sim_version").asText()).isEqualTo("2");
        }
    }

    @Test
    void invoicesMoveFromDraftToOpenToAFinalStatusAndOnlyDraftsAreDeleted() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            Change created = sim.create(null, "invoices");
            String id = created.objectId();
            assertThat(created.eventType()).isEqualTo("invoice.created");
            JsonNode draft = c.get("/v1/invoices/" + id).json();
            assertThat(draft.get("status").asText()).isEqualTo("draft");
            assertThat(draft.get("created").asLong()).isEqualTo(NOW + 100);
            assertThat(draft.get("number").isNull()).isTrue();

            clock.advanceMillis(5_000);
            assertThat(sim.update(null, "invoices", id).eventType()).isEqualTo("invoice.finalized");
            JsonNode open = c.get("/v1/invoices/" + id).json();
            assertThat(open.get("status").asText()).isEqualTo("open");
            assertThat(open.at("/status_transitions/finalized_at").asLong()).isEqualTo(NOW + 105);
            assertThat(open.get("number").asText()).isNotEmpty();

            clock.advanceMillis(5_000);
            String type = sim.update(null, "invoices", id).eventType();
            assertThat(type).isIn("invoice.paid", "invoice.voided", "invoice.marked_uncollectible");
            JsonNode done = c.get("/v1/invoices/" + id).json();
            assertThat(done.get("status").asText()).isIn("paid", "void", "uncollectible");
            assertThat(sim.update(null, "invoices", id).eventType()).isEqualTo("invoice.updated");
            assertThatThrownBy(() -> sim.delete(null, "invoices", id)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot be deleted");

            String other = sim.create(null, "invoices").objectId();
            Change deleted = sim.delete(null, "invoices", other);
            assertThat(deleted.eventType()).isEqualTo("invoice.deleted");
            assertThat(deleted.kind()).isEqualTo(ChangeKind.DELETED);
            Reply gone = c.get("/v1/invoices/" + other);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.json().at("/error/code").asText()).isEqualTo("resource_missing");
            assertThat(gone.json().at("/error/message").asText()).isEqualTo("No such invoice: '" + other + "'");
            assertThat(sim.deletedIds(null, "invoices")).containsExactly(other);
            assertThat(c.pageAll("invoices", "", 100)).extracting(Item::id).contains(id).doesNotContain(other);
        }
    }

    @Test
    void aDeletedCustomerIsAStubWhileDeletedProductsAndPricesAre404AndAllLeaveTheLists() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            Map<String, String> victims = new HashMap<>();
            for (String resource : List.of("customers", "products", "prices")) {
                int before = sim.objectCount(resource);
                Change d = sim.delete(null, resource, null);
                assertThat(d.eventType()).isEqualTo(resource.substring(0, resource.length() - 1) + ".deleted");
                victims.put(resource, d.objectId());
                assertThat(sim.objectCount(resource)).isEqualTo(before - 1);
                assertThat(c.pageAll(resource, "", 100)).hasSize(before - 1).extracting(Item::id)
                        .doesNotContain(d.objectId());
                assertThat(sim.objects(null, resource)).doesNotContainKey(d.objectId());
                assertThat(sim.deletedIds(null, resource)).containsExactly(d.objectId());
                assertThatThrownBy(() -> sim.update(null, resource, d.objectId()))
                        .isInstanceOf(IllegalStateException.class);
            }
            Reply stub = c.get("/v1/customers/" + victims.get("customers"));
            assertThat(stub.status()).isEqualTo(200);
            assertThat(stub.raw().body()).isEqualTo("{\"id\":\"" + victims.get("customers")
                    + "\",\"object\":\"customer\",\"deleted\":true}");
            for (String resource : List.of("products", "prices")) {
                Reply r = c.get("/v1/" + resource + "/" + victims.get(resource));
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.json().at("/error/code").asText()).isEqualTo("resource_missing");
                assertThat(r.json().at("/error/param").asText()).isEqualTo("id");
            }
            // A deleted object still positions a page: a client whose last item was deleted can go on.
            String deleted = victims.get("customers");
            assertThat(c.get("/v1/customers?starting_after=" + deleted).status()).isEqualTo(200);
        }
    }

    @Test
    void aSubscriptionIsCanceledNotDeletedAndHiddenUnlessStatusAll() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            int shown = c.pageAll("subscriptions", "", 100).size();
            int all = c.pageAll("subscriptions", "status=all", 100).size();

            Change cancel = sim.delete(null, "subscriptions", null);

            assertThat(cancel.kind()).isEqualTo(ChangeKind.CANCELED);
            assertThat(cancel.eventType()).isEqualTo("customer.subscription.deleted");
            JsonNode sub = c.get("/v1/subscriptions/" + cancel.objectId()).json();
            assertThat(sub.get("status").asText()).isEqualTo("canceled");
            assertThat(sub.get("canceled_at").asLong()).isEqualTo(NOW + 100);
            assertThat(sub.get("ended_at").asLong()).isEqualTo(NOW + 100);
            assertThat(sub.at("/metadata/sim_version").asText()).isEqualTo("1");
            assertThat(c.pageAll("subscriptions", "", 100)).hasSize(shown - 1);
            assertThat(c.pageAll("subscriptions", "status=all", 100)).hasSize(all);
            assertThat(c.pageAll("subscriptions", "status=canceled", 100)).extracting(Item::id)
                    .contains(cancel.objectId());
            assertThat(sim.objects(null, "subscriptions")).containsKey(cancel.objectId()).hasSize(all);
            assertThat(sim.deletedIds(null, "subscriptions")).isEmpty();
            assertThatThrownBy(() -> sim.update(null, "subscriptions", cancel.objectId()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theSubscriptionsListTakesStripesStatusValues() {
        try (StripeSimulator sim = all(new FakeClock(NOW + 100))) {
            SimClient c = new SimClient(sim);
            Map<String, Integer> byStatus = new TreeMap<>();
            for (String id : sim.objects(null, "subscriptions").keySet()) {
                byStatus.merge(c.get("/v1/subscriptions/" + id).json().get("status").asText(), 1, Integer::sum);
            }
            int total = byStatus.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(total).isEqualTo(200);
            assertThat(byStatus.get("canceled")).as("a realistic share canceled").isBetween(total / 10, total / 3);
            for (var e : byStatus.entrySet()) {
                assertThat(c.pageAll("subscriptions", "status=" + e.getKey(), 100)).as(e.getKey())
                        .hasSize(e.getValue());
            }
            assertThat(c.pageAll("subscriptions", "", 100)).hasSize(total - byStatus.get("canceled"));
            assertThat(c.pageAll("subscriptions", "status=ended", 100))
                    .hasSize(byStatus.get("canceled") + byStatus.getOrDefault("incomplete_expired", 0));
            assertThat(c.pageAll("subscriptions", "status=all", 7)).hasSize(total);

            Reply bad = c.get("/v1/subscriptions?status=cancelled");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().at("/error/param").asText()).isEqualTo("status");
            assertThat(bad.json().at("/error/message").asText()).contains("incomplete_expired", "all");
            assertThat(c.get("/v1/invoices?status=paid").status()).isEqualTo(200);
            assertThat(c.get("/v1/invoices?status=done").status()).isEqualTo(400);
            assertThat(c.get("/v1/products?active=maybe").status()).isEqualTo(400);
            assertThat(c.pageAll("products", "active=true", 100).size()
                    + c.pageAll("products", "active=false", 100).size()).isEqualTo(sim.objectCount("products"));
        }
    }

    @Test
    void chargesPaymentIntentsAndRefundsAreNeverDeletedAndFinalStatusesStay() {
        try (StripeSimulator sim = all(new FakeClock(NOW + 100))) {
            for (String resource : List.of("charges", "payment_intents", "refunds")) {
                assertThatThrownBy(() -> sim.delete(null, resource, null)).as(resource)
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("never deletes");
            }
            Reply viaHttp = new SimClient(sim).post("/_sim/change?resource=charges&kind=delete");
            assertThat(viaHttp.status()).isEqualTo(409);

            SimClient c = new SimClient(sim);
            String pi = sim.create(null, "payment_intents").objectId();
            assertThat(c.get("/v1/payment_intents/" + pi).json().get("status").asText())
                    .isEqualTo("requires_payment_method");
            String status = "requires_payment_method";
            for (int i = 0; i < 20 && !Set.of("succeeded", "canceled").contains(status); i++) {
                String type = sim.update(null, "payment_intents", pi).eventType();
                status = c.get("/v1/payment_intents/" + pi).json().get("status").asText();
                assertThat(type).startsWith("payment_intent.");
            }
            assertThat(status).isIn("succeeded", "canceled");
            assertThatThrownBy(() -> sim.update(null, "payment_intents", pi)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> sim.update(null, "customers", "cus_nope"))
                    .isInstanceOf(NoSuchElementException.class);

            String charge = c.get("/v1/charges?limit=1").ids().getFirst();
            for (int i = 0; i < 30; i++) {
                sim.update(null, "charges", charge);
            }
            JsonNode refunded = c.get("/v1/charges/" + charge).json();
            assertThat(refunded.get("refunded").asBoolean()).as("a quarter of updates refund").isTrue();
            assertThat(refunded.get("amount_refunded").asLong()).isEqualTo(refunded.get("amount").asLong());
        }
    }

    @Test
    void theGroundTruthIsWhatTheApiShows() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            for (int i = 0; i < 20; i++) {
                for (String resource : ALL) {
                    sim.update(null, resource, null);
                    if (Set.of("customers", "subscriptions", "products", "prices").contains(resource)) {
                        sim.delete(null, resource, null);
                    }
                    sim.create(null, resource);
                }
                clock.advanceMillis(300);
            }
            for (String resource : ALL) {
                Map<String, String> truth = sim.objects(null, resource);
                String filter = resource.equals("subscriptions") ? "status=all" : "";
                Map<String, String> listed = new TreeMap<>();
                c.pageAll(resource, filter, 100).forEach(i -> listed.put(i.id(),
                        c.get("/v1/" + resource + "/" + i.id()).raw().body()));
                assertThat(listed.keySet()).as(resource).isEqualTo(truth.keySet());
                assertThat(listed).as(resource).isEqualTo(truth);
                Digest state = sim.stateDigest(null, resource, false);
                assertThat(StateDigest.of(listed)).isEqualTo(state);
                Reply http = c.get("/_sim/digest?resource=" + resource + "&state=true", null);
                assertThat(http.json().get("sha256").asText()).isEqualTo(state.sha256());
                assertThat(http.json().get("count").asLong()).isEqualTo(truth.size());
                assertThat(c.get("/_sim/objects?resource=" + resource, null).json().size()).isEqualTo(truth.size());
                assertThat(c.get("/_sim/deleted?resource=" + resource, null).json().get("ids").size())
                        .isEqualTo(sim.deletedIds(null, resource).size());
                // A digest tells different data apart, not just different ids.
                String some = truth.keySet().iterator().next();
                Map<String, String> tampered = new TreeMap<>(truth);
                tampered.put(some, truth.get(some).replace("\"livemode\":false", "\"livemode\":true"));
                assertThat(StateDigest.of(tampered)).isNotEqualTo(state);
            }
            assertThat(sim.changes()).hasSize(20 * (8 + 4 + 8));
            assertThat(c.get("/_sim/changes?after=" + (sim.changes().size() - 3), null).json().get("changes"))
                    .hasSize(3);
        }
    }

    @Test
    void changesViaHttpHappenNowAndSeveralShareASecond() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = all(clock)) {
            SimClient c = new SimClient(sim);
            String id = c.get("/v1/customers?limit=1").ids().getFirst();
            Reply r = c.post("/_sim/change?resource=customers&kind=update&count=3&id=" + id);
            assertThat(r.status()).isEqualTo(200);
            JsonNode changes = r.json().get("changes");
            assertThat(changes).hasSize(3);
            for (JsonNode ch : changes) {
                assertThat(ch.get("object_id").asText()).isEqualTo(id);
                assertThat(ch.get("kind").asText()).isEqualTo("updated");
                assertThat(ch.get("at_ms").asLong() / 1000).isEqualTo(NOW + 100);
            }
            assertThat(c.get("/v1/customers/" + id).json().at("/metadata/sim_version").asText()).isEqualTo("3");
            assertThat(c.post("/_sim/change?resource=customers&kind=update&id=cus_nope").status()).isEqualTo(404);
            assertThat(c.post("/_sim/change?resource=customers&kind=explode").status()).isEqualTo(400);
            assertThat(c.post("/_sim/change?resource=nope&kind=update").status()).isEqualTo(404);
            assertThat(c.post("/_sim/change?resource=customers&kind=cancel").status()).isEqualTo(400);
            Reply cancel = c.post("/_sim/change?resource=subscriptions&kind=cancel");
            assertThat(cancel.json().at("/changes/0/kind").asText()).isEqualTo("canceled");
            assertThat(cancel.json().at("/changes/0/event_type").asText()).isEqualTo("customer.subscription.deleted");
        }
    }

    @Test
    void ratesMakeExactlyTheirShareOfChangesAndStopAfterChangesFor() {
        FakeClock clock = new FakeClock(NOW + 100);
        try (StripeSimulator sim = start(clock, StripeSimConfig.builder().seed(4).objects(900)
                .resources("customers,invoices,subscriptions").createRate(2).updateRate(10).deleteRate(4)
                .changesFor(Duration.ofSeconds(2)))) {
            assertThat(sim.changing()).isTrue();
            clock.advanceMillis(1_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.changes().size() == 3 * (2 + 10 + 4));
            clock.advanceMillis(60_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> !sim.changing());
            List<Change> all = sim.changes();
            assertThat(all).hasSize(2 * 3 * (2 + 10 + 4));
            assertThat(all.stream().filter(ch -> ch.kind() == ChangeKind.CREATED)).hasSize(2 * 3 * 2);
            assertThat(all.stream().filter(ch -> ch.kind() == ChangeKind.CANCELED)).hasSize(2 * 4);
            assertThat(all).extracting(Change::sequence).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void theSameSeedAndCallsGiveTheSameChangesEventsAndState() {
        List<String> runs = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            FakeClock clock = new FakeClock(NOW + 100);
            try (StripeSimulator sim = all(clock)) {
                for (int i = 0; i < 30; i++) {
                    for (String resource : ALL) {
                        sim.update(null, resource, null);
                        sim.create(null, resource);
                    }
                    sim.delete(null, "customers", null);
                    clock.advanceMillis(700);
                }
                clock.advanceMillis(2_000);
                SimClient c = new SimClient(sim);
                StringBuilder seen = new StringBuilder(sim.changes().toString());
                c.pageAll("events", "", 100).forEach(i -> seen.append(c.get("/v1/events/" + i.id()).raw().body()));
                for (String resource : ALL) {
                    seen.append(sim.stateDigest(null, resource, true));
                }
                runs.add(seen.toString());
            }
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1)).contains("evt_");
    }
}
