package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Item;
import dev.sluice.sim.stripe.SimClient.Reply;
import dev.sluice.testing.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Connected accounts: listed, selected by {@code Stripe-Account}, isolated, with their own events and rate scope. */
class StripeSimulatorConnectTest {

    static final long NOW = 1_750_000_000L;
    static final long T = NOW + 500;

    private static StripeSimulator start(FakeClock clock, StripeSimConfig.Builder b) {
        return StripeSimulator.start(b.port(0).now(NOW).seed(31).objects(300).resources("customers,invoices")
                .build(), clock);
    }

    @Test
    void connectedAccountsAreListedPagedAndEachServesItsOwnAccountObject() {
        try (StripeSimulator sim = start(new FakeClock(T), StripeSimConfig.builder().accounts(3)
                .rps(Double.POSITIVE_INFINITY))) {
            SimClient c = new SimClient(sim);
            List<String> connected = sim.connectedAccountIds();
            assertThat(connected).hasSize(3).doesNotHaveDuplicates().doesNotContain(sim.platformAccountId())
                    .allSatisfy(id -> assertThat(id).matches("acct_[0-9A-Za-z]{16}"));

            Reply list = c.get("/v1/accounts?limit=100");
            assertThat(list.json().get("object").asText()).isEqualTo("list");
            assertThat(list.json().get("url").asText()).isEqualTo("/v1/accounts");
            assertThat(list.ids()).containsExactlyInAnyOrderElementsOf(connected);
            assertThat(c.pageAll("accounts", "", 1)).extracting(Item::id).isEqualTo(list.ids());
            for (JsonNode a : list.json().get("data")) {
                assertThat(a.get("object").asText()).isEqualTo("account");
                assertThat(a.get("created").isIntegralNumber()).isTrue();
            }
            String one = connected.get(1);
            assertThat(c.getAs(one, "/v1/account").json().get("id").asText()).isEqualTo(one);
            assertThat(c.get("/v1/account").json().get("id").asText()).isEqualTo(sim.platformAccountId());
            assertThat(c.get("/v1/accounts/" + one).json().get("id").asText()).isEqualTo(one);
            assertThat(c.getAs(one, "/v1/accounts").ids()).as("a connected account has none").isEmpty();
            assertThat(c.getAs(one, "/v1/accounts/" + connected.get(0)).status()).isEqualTo(404);
        }
    }

    @Test
    void eachAccountHasItsOwnObjectsWithIdsUniqueAcrossAllAndAnUnknownAccountIsRefused() {
        try (StripeSimulator sim = start(new FakeClock(T), StripeSimConfig.builder().accounts(2)
                .rps(Double.POSITIVE_INFINITY))) {
            SimClient c = new SimClient(sim);
            List<String> accounts = new ArrayList<>();
            accounts.add(null);
            accounts.addAll(sim.connectedAccountIds());
            Set<String> everyId = new HashSet<>();
            for (String account : accounts) {
                sim.create(account, "customers");
                List<String> ids = c.pageAll(account, "customers", "", 100).stream().map(Item::id).toList();
                assertThat(ids).hasSize(151).containsExactlyInAnyOrderElementsOf(
                        sim.objects(account, "customers").keySet());
                assertThat(everyId.addAll(ids)).isTrue();
                assertThat(ids).allSatisfy(id -> assertThat(everyId).contains(id));
            }
            assertThat(everyId).hasSize(3 * 151);
            String a = sim.connectedAccountIds().get(0);
            String b = sim.connectedAccountIds().get(1);
            String ofA = sim.objects(a, "customers").keySet().iterator().next();
            assertThat(c.getAs(a, "/v1/customers/" + ofA).status()).isEqualTo(200);
            assertThat(c.getAs(b, "/v1/customers/" + ofA).status()).as("another account's object").isEqualTo(404);
            assertThat(c.get("/v1/customers/" + ofA).status()).isEqualTo(404);
            assertThat(c.getAs(sim.platformAccountId(), "/v1/customers?limit=1").status()).isEqualTo(200);

            Reply unknown = c.getAs("acct_1NotConnectedHere", "/v1/customers");
            assertThat(unknown.status()).isEqualTo(403);
            assertThat(unknown.json().at("/error/code").asText()).isEqualTo("account_invalid");
            assertThat(unknown.json().at("/error/message").asText()).contains("acct_1NotConnectedHere")
                    .doesNotContain(SimClient.KEY);
            assertThat(c.get("/_sim/objects?resource=customers&account=" + a, null).json().size()).isEqualTo(151);
        }
    }

    @Test
    void aConnectedAccountsEventsCarryItsIdAndStayInItsOwnStream() throws IOException {
        FakeClock clock = new FakeClock(T);
        try (WebhookReceiver hook = new WebhookReceiver();
             StripeSimulator sim = start(clock, StripeSimConfig.builder().accounts(2).rps(Double.POSITIVE_INFINITY)
                     .webhook(hook.url(), "whsec_connect"))) {
            SimClient c = new SimClient(sim);
            String a = sim.connectedAccountIds().get(0);
            Change inA = sim.update(a, "customers", null);
            Change onPlatform = sim.update(null, "customers", null);
            assertThat(inA.account()).isEqualTo(a);
            assertThat(onPlatform.account()).isNull();
            clock.advanceMillis(1_000);

            assertThat(c.getAs(a, "/v1/events").ids()).containsExactly(inA.eventId());
            assertThat(c.get("/v1/events").ids()).containsExactly(onPlatform.eventId());
            assertThat(c.getAs(sim.connectedAccountIds().get(1), "/v1/events").ids()).isEmpty();
            assertThat(c.getAs(a, "/v1/events/" + inA.eventId()).json().get("account").asText()).isEqualTo(a);
            assertThat(c.get("/v1/events/" + inA.eventId()).status()).isEqualTo(404);

            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().webhooks().pending() == 0);
            List<JsonNode> posted = new ArrayList<>();
            for (var d : hook.received()) {
                posted.add(SimClient.JSON.readTree(d.body()));
            }
            assertThat(posted).hasSize(2);
            JsonNode fromA = posted.stream().filter(e -> e.get("id").asText().equals(inA.eventId())).findFirst()
                    .orElseThrow();
            assertThat(fromA.get("account").asText()).isEqualTo(a);
            assertThat(posted.stream().filter(e -> e.has("account"))).hasSize(1);
        }
    }

    @Test
    void theRateLimitIsPerKeyByDefaultAndPerAccountWhenAsked() {
        FakeClock clock = new FakeClock(T); // frozen: no token comes back during the test
        for (RateScope scope : RateScope.values()) {
            try (StripeSimulator sim = start(clock, StripeSimConfig.builder().accounts(2).rps(5).burst(5)
                    .rateScope(scope))) {
                SimClient c = new SimClient(sim);
                String a = sim.connectedAccountIds().get(0);
                String b = sim.connectedAccountIds().get(1);
                for (int i = 0; i < 5; i++) {
                    assertThat(c.getAs(a, "/v1/customers?limit=1").status()).isEqualTo(200);
                }
                assertThat(c.getAs(a, "/v1/customers?limit=1").status()).as(scope + ": a is spent").isEqualTo(429);
                int other = c.getAs(b, "/v1/customers?limit=1").status();
                int platform = c.get("/v1/customers?limit=1").status();
                if (scope == RateScope.KEY) {
                    assertThat(other).as("one key, one bucket").isEqualTo(429);
                    assertThat(platform).isEqualTo(429);
                } else {
                    assertThat(other).as("b has its own bucket").isEqualTo(200);
                    assertThat(platform).isEqualTo(200);
                }
                Stats stats = sim.stats();
                assertThat(stats.requestsFor(a)).isEqualTo(6);
                assertThat(stats.requestsFor(b)).isEqualTo(1);
                assertThat(stats.requestsFor(sim.platformAccountId())).isEqualTo(1);
                assertThat(c.get("/_sim/stats", null).json().at("/by_account/" + a).asLong()).isEqualTo(6);
            }
        }
    }
}
