package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.stripe.SimClient.Reply;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 400, 401 and 404 answers: status, Stripe's error body, and {@code param} where Stripe names one. */
class StripeSimulatorErrorTest {

    static StripeSimulator sim;
    static SimClient client;

    @BeforeAll
    static void start() {
        sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(30).now(1_750_000_000L)
                .rps(Double.POSITIVE_INFINITY).build());
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void badLimitIs400NamingLimit() {
        for (String limit : new String[] {"0", "101", "-3", "abc", "1.5"}) {
            Reply r = client.get("/v1/customers?limit=" + limit);
            assertThat(r.status()).as(limit).isEqualTo(400);
            assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(r.json().at("/error/param").asText()).isEqualTo("limit");
        }
        assertThat(client.get("/v1/customers?limit=100").status()).isEqualTo(200);
        assertThat(client.get("/v1/customers?limit=1").status()).isEqualTo(200);
    }

    @Test
    void nonIntegerCreatedIs400NamingTheParam() {
        Reply r = client.get("/v1/charges?created%5Bgte%5D=yesterday");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("created[gte]");
        assertThat(r.json().at("/error/message").asText()).contains("yesterday");
        assertThat(client.get("/v1/charges?created=1.5").json().at("/error/param").asText()).isEqualTo("created");
    }

    @Test
    void bothCursorsAre400() {
        Reply r = client.get("/v1/customers?starting_after=cus_a&ending_before=cus_b");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("ending_before", "starting_after");
    }

    @Test
    void unknownCursorIs404NamingTheObjectAndParam() {
        Reply r = client.get("/v1/customers?starting_after=cus_x");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().at("/error/message").asText()).isEqualTo("No such customer: 'cus_x'");
        assertThat(r.json().at("/error/param").asText()).isEqualTo("starting_after");

        Reply before = client.get("/v1/charges?ending_before=ch_nope");
        assertThat(before.json().at("/error/message").asText()).isEqualTo("No such charge: 'ch_nope'");
        assertThat(before.json().at("/error/param").asText()).isEqualTo("ending_before");

        String customer = client.get("/v1/customers?limit=1").ids().getFirst();
        assertThat(client.get("/v1/invoices?starting_after=" + customer).status())
                .as("a cursor from another resource").isEqualTo(404);
    }

    @Test
    void unknownResourceIs404UnrecognizedUrl() {
        Reply r = client.get("/v1/foo");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().at("/error/message").asText()).startsWith("Unrecognized request URL (GET: /v1/foo)");
        assertThat(client.get("/v1/customers/cus_123").status()).isEqualTo(404);
        assertThat(client.get("/v2/customers").status()).isEqualTo(404);
    }

    @Test
    void missingKeyIs401() {
        Reply r = client.get("/v1/customers", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().at("/error/message").asText()).startsWith("You did not provide an API key");
        assertThat(client.get("/v1/account", null).status()).isEqualTo(401);
    }

    @Test
    void wrongKeyIs401WithTheKeyMasked() {
        Reply r = client.get("/v1/customers", "Bearer pk_test_51HabcdefghijklmnWXYZ");
        assertThat(r.status()).isEqualTo(401);
        String message = r.json().at("/error/message").asText();
        assertThat(message).startsWith("Invalid API Key provided: pk_").endsWith("WXYZ").contains("****")
                .doesNotContain("abcdefghijklmn");
    }

    @Test
    void basicAuthWithTheKeyAsUserIsAccepted() {
        String basic = Base64.getEncoder().encodeToString((SimClient.KEY + ":").getBytes());
        assertThat(client.get("/v1/customers", "Basic " + basic).status()).isEqualTo(200);
    }

    @Test
    void configuredKeysAreTheOnlyOnesAccepted() {
        try (StripeSimulator strict = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(3)
                .apiKeys(Set.of("sk_test_only")).build())) {
            SimClient c = new SimClient(strict);
            assertThat(c.get("/v1/customers", "Bearer sk_test_only").status()).isEqualTo(200);
            assertThat(c.get("/v1/customers", "Bearer " + SimClient.KEY).status()).isEqualTo(401);
        }
    }

    @Test
    void errorsAreCountedInStatsButSimRequestsAreNot() {
        try (StripeSimulator fresh = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(3).build())) {
            SimClient c = new SimClient(fresh);
            c.get("/v1/customers");
            c.get("/v1/customers", null);
            c.get("/v1/nope");
            c.get("/v1/customers?limit=0");
            c.get("/_sim/stats", null);

            Stats stats = fresh.stats();
            assertThat(stats.requests()).isEqualTo(4);
            assertThat(stats.byStatus()).containsEntry(200, 1L).containsEntry(401, 1L).containsEntry(404, 1L)
                    .containsEntry(400, 1L);
            assertThat(fresh.requestLog()).extracting(ServedRequest::status).containsExactly(200, 401, 404, 400);
            assertThat(fresh.requestLog().getFirst().ids()).hasSize(1); // 3 objects over 3 resources
            assertThat(fresh.requestLog().get(2).resource()).isEqualTo("nope");
        }
    }
}
