package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Item;
import dev.sluice.sim.stripe.SimClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paging, filters and cursors over real HTTP, checked against the simulator's full listing. */
class StripeSimulatorListTest {

    static final long NOW = 1_750_000_000L;
    static final Comparator<Item> STRIPE_ORDER =
            Comparator.comparingLong(Item::created).thenComparing(Item::id).reversed();

    @TempDir
    static Path dir;
    static StripeSimulator uniform;
    static StripeSimulator edges;
    static SimClient client;
    static SimClient edgeClient;

    @BeforeAll
    static void start() throws IOException {
        uniform = StripeSimulator.start(StripeSimConfig.builder().port(0).seed(42).objects(3_000).now(NOW)
                .rps(Double.POSITIVE_INFINITY).build());
        client = new SimClient(uniform);
        // Objects at the edges of [1000, 2000): one second before, at, just inside and at the end; and a pile of
        // 25 in one second, so paging must split a second by id.
        Path file = dir.resolve("edges.json");
        Files.writeString(file, """
                {"seed": 9, "resources": {"customers": [[999,1000,3],[1000,1001,4],[1500,1501,25],
                                                        [1999,2000,5],[2000,2001,6],[3000,4000,10]]}}
                """);
        edges = StripeSimulator.start(StripeSimConfig.builder().port(0).now(NOW).dataset(file)
                .rps(Double.POSITIVE_INFINITY).build());
        edgeClient = new SimClient(edges);
    }

    @AfterAll
    static void stop() {
        uniform.close();
        edges.close();
    }

    @Test
    void pagingWithStartingAfterReturnsEveryObjectOnceNewestFirst() {
        uniform.clearRequestLog();
        List<Item> items = client.pageAll("customers", "", 100);

        assertThat(items).hasSize(uniform.objectCount("customers")).hasSize(1_000);
        assertThat(new HashSet<>(items)).hasSize(items.size());
        assertThat(items).isSortedAccordingTo(STRIPE_ORDER);
        assertThat(items).allSatisfy(i -> assertThat(i.id()).matches("cus_[0-9A-Za-z]{14}"));
        // 1000 objects, 100 a page: has_more is exact, so the 10th page says false and there is no 11th request.
        assertThat(uniform.requestLog()).hasSize(10);
        assertThat(uniform.requestLog().getLast().params()).containsEntry("limit", "100");
        // Ids are random, not in created order.
        List<String> byId = items.stream().map(Item::id).sorted(Comparator.reverseOrder()).toList();
        assertThat(items.stream().map(Item::id).toList()).isNotEqualTo(byId);
    }

    @Test
    void pagingSplitsASecondFullOfObjectsById() {
        List<Item> all = edgeClient.pageAll("customers", "", 100);
        List<Item> paged = edgeClient.pageAll("customers", "", 7);

        assertThat(paged).isEqualTo(all).hasSize(53).isSortedAccordingTo(STRIPE_ORDER);
        assertThat(paged.stream().filter(i -> i.created() == 1500)).hasSize(25);
    }

    @Test
    void createdFiltersIncludeAndExcludeTheirBoundarySeconds() {
        List<Item> all = edgeClient.pageAll("customers", "", 100);

        assertFilter(all, "created%5Bgte%5D=1000&created%5Blt%5D=2000", c -> c >= 1000 && c < 2000, 34);
        assertFilter(all, "created%5Bgt%5D=1000&created%5Blte%5D=2000", c -> c > 1000 && c <= 2000, 36);
        assertFilter(all, "created%5Bgte%5D=1000", c -> c >= 1000, 50);
        assertFilter(all, "created%5Blt%5D=1000", c -> c < 1000, 3);
        assertFilter(all, "created=1999", c -> c == 1999, 5);
        assertFilter(all, "created=1998", c -> false, 0);
        assertFilter(all, "created%5Bgte%5D=2000&created%5Blt%5D=2000", c -> false, 0);
    }

    private static void assertFilter(List<Item> all, String filter, LongPredicate expected, int count) {
        List<Item> want = all.stream().filter(i -> expected.test(i.created())).toList();
        assertThat(edgeClient.pageAll("customers", filter, 3)).as(filter).isEqualTo(want).hasSize(count);
    }

    @Test
    void startingAfterMayLieOutsideTheFilter() {
        List<Item> all = edgeClient.pageAll("customers", "", 100);
        Item newest = all.getFirst(); // created in [3000, 4000), outside lt=2000
        Reply r = edgeClient.get("/v1/customers?limit=100&created%5Blt%5D=2000&starting_after=" + newest.id());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.ids()).isEqualTo(all.stream().filter(i -> i.created() < 2000).map(Item::id).toList());
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void endingBeforeReturnsTheItemsJustNewerThanTheCursorNewestFirst() {
        List<String> all = edgeClient.pageAll("customers", "", 100).stream().map(Item::id).toList();

        Reply r = edgeClient.get("/v1/customers?limit=5&ending_before=" + all.get(20));
        assertThat(r.ids()).isEqualTo(all.subList(15, 20));
        assertThat(r.hasMore()).isTrue();

        Reply top = edgeClient.get("/v1/customers?limit=5&ending_before=" + all.get(3));
        assertThat(top.ids()).isEqualTo(all.subList(0, 3));
        assertThat(top.hasMore()).isFalse();

        Reply none = edgeClient.get("/v1/customers?ending_before=" + all.getFirst());
        assertThat(none.ids()).isEmpty();
        assertThat(none.hasMore()).isFalse();

        // Walking backwards from the oldest object with ending_before rebuilds the whole list.
        List<String> rebuilt = new ArrayList<>(List.of(all.getLast()));
        String cursor = all.getLast();
        boolean more = true;
        while (more) {
            Reply page = edgeClient.get("/v1/customers?limit=4&ending_before=" + cursor);
            rebuilt.addAll(0, page.ids());
            cursor = page.ids().getFirst();
            more = page.hasMore();
        }
        assertThat(rebuilt).isEqualTo(all);
    }

    @Test
    void endingBeforeRespectsTheFilter() {
        List<Item> all = edgeClient.pageAll("customers", "", 100);
        List<String> inside = all.stream().filter(i -> i.created() >= 1000 && i.created() < 2000).map(Item::id)
                .toList();
        Reply r = edgeClient.get("/v1/customers?limit=100&created%5Bgte%5D=1000&created%5Blt%5D=2000&ending_before="
                + inside.getLast());
        assertThat(r.ids()).isEqualTo(inside.subList(0, inside.size() - 1));
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void defaultLimitIsTen() {
        Reply r = client.get("/v1/charges");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.ids()).hasSize(10);
        assertThat(r.hasMore()).isTrue();
        assertThat(r.json().get("object").asText()).isEqualTo("list");
        assertThat(r.json().get("url").asText()).isEqualTo("/v1/charges");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("Request-Id")).matches("req_[0-9A-Za-z]{14}");
    }

    @Test
    void digestEqualsIdDigestOverPagedIds() {
        long gte = NOW - 400 * 86_400L;
        long lt = NOW - 100 * 86_400L;
        List<String> ids = client.pageAll("invoices", "created%5Bgte%5D=" + gte + "&created%5Blt%5D=" + lt, 100)
                .stream().map(Item::id).toList();

        Digest expected = IdDigest.of(ids);
        assertThat(expected.count()).isBetween(200L, 350L);
        assertThat(uniform.digest("invoices", gte, lt)).isEqualTo(expected);
        Reply viaHttp = client.get("/_sim/digest?resource=invoices&gte=" + gte + "&lt=" + lt, null);
        assertThat(viaHttp.json().get("count").asLong()).isEqualTo(expected.count());
        assertThat(viaHttp.json().get("sha256").asText()).isEqualTo(expected.sha256());
        assertThat(uniform.digest("invoices", null, null).count()).isEqualTo(1_000);
    }

    @Test
    void accountCreatedIsTheLowerBoundOfTheData() {
        Reply r = client.get("/v1/account");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("object").asText()).isEqualTo("account");
        assertThat(r.json().get("id").asText()).startsWith("acct_");
        assertThat(r.json().get("created").asLong()).isEqualTo(uniform.accountCreated())
                .isEqualTo(NOW - 3 * 365 * 86_400L);
        assertThat(uniform.digest("customers", null, uniform.accountCreated()).count()).isZero();
        assertThat(uniform.digest("customers", NOW, null).count()).isZero();
        // A dataset reaching further back makes the account older, so a backfill from account.created sees it all.
        assertThat(edges.accountCreated()).isLessThanOrEqualTo(999);
    }

    @Test
    void resourcesWithoutDataAnswerEmptyLists() {
        Reply r = client.get("/v1/refunds?limit=3");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.ids()).isEmpty();
        assertThat(r.hasMore()).isFalse();
        assertThat(uniform.objectCount("refunds")).isZero();
    }

    @Test
    void objectsSplitEquallyWithTheRemainderToTheFirstResource() {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(10).now(NOW)
                .resources("charges,customers,products").build())) {
            assertThat(sim.objectCount("charges")).isEqualTo(4);
            assertThat(sim.objectCount("customers")).isEqualTo(3);
            assertThat(sim.objectCount("products")).isEqualTo(3);
            assertThat(sim.objectCount("invoices")).isZero();
        }
    }

    @Test
    void objectsLookLikeStripesAndWeighAboutAKilobyte() {
        List<String> all = List.of("customers", "charges", "invoices", "payment_intents", "subscriptions",
                "products", "prices", "refunds");
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(800).now(NOW)
                .resources(all).rps(Double.POSITIVE_INFINITY).build())) {
            SimClient c = new SimClient(sim);
            for (String resource : all) {
                // Canceled subscriptions are listed only with status=all, as in Stripe.
                Reply r = c.get("/v1/" + resource + "?limit=100" + (resource.equals("subscriptions") ? "&status=all" : ""));
                assertThat(r.ids()).as(resource).hasSize(100);
                double perObject = r.raw().body().length() / 100.0;
                assertThat(perObject).as(resource + " bytes per object").isBetween(500.0, 2_000.0);
                for (JsonNode o : r.json().get("data")) {
                    assertThat(o.get("created").isIntegralNumber()).isTrue();
                    assertThat(o.get("livemode").asBoolean()).isFalse();
                    assertThat(o.get("metadata").isObject()).isTrue();
                    assertThat(o.get("object").asText()).isEqualTo(resource.substring(0, resource.length() - 1));
                }
            }
            JsonNode customer = c.get("/v1/customers?limit=1").json().get("data").get(0);
            assertThat(customer.get("email").asText()).contains("@");
            assertThat(customer.get("address").isObject()).isTrue();
            JsonNode charge = c.get("/v1/charges?limit=1").json().get("data").get(0);
            assertThat(charge.get("status").asText()).isEqualTo("succeeded");
            assertThat(charge.get("paid").asBoolean()).isTrue();
            assertThat(charge.get("customer").asText()).startsWith("cus_");
            assertThat(charge.get("billing_details").isObject()).isTrue();
            for (JsonNode invoice : c.get("/v1/invoices?limit=100").json().get("data")) {
                assertThat(invoice.get("status").asText()).isIn("draft", "open", "paid", "uncollectible", "void");
                assertThat(invoice.get("amount_due").isIntegralNumber()).isTrue();
            }
        }
    }

    @Test
    void theSameSeedGivesByteIdenticalBodiesAndAnotherSeedDoesNot() {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(5).objects(600).now(NOW)
                .rps(Double.POSITIVE_INFINITY).build();
        try (StripeSimulator a = StripeSimulator.start(config);
             StripeSimulator b = StripeSimulator.start(config);
             StripeSimulator c = StripeSimulator.start(config.toBuilder().seed(6).build())) {
            for (String resource : List.of("customers", "charges", "invoices")) {
                String q = "/v1/" + resource + "?limit=100&created%5Blt%5D=" + (NOW - 86_400 * 300);
                assertThat(new SimClient(a).get(q).raw().body()).isEqualTo(new SimClient(b).get(q).raw().body());
                assertThat(new SimClient(a).get(q).raw().body()).isNotEqualTo(new SimClient(c).get(q).raw().body());
                assertThat(a.digest(resource, null, null)).isEqualTo(b.digest(resource, null, null));
            }
        }
    }
}
