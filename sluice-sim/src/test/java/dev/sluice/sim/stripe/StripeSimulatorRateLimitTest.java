package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-key token bucket, its 429s, and how stats count them. */
class StripeSimulatorRateLimitTest {

    @Test
    void beyondTheBurstCallersGet429WithRetryHeaders() {
        // A token per 2 s and a burst of 3: of 10 quick requests, 3 pass (4 if the machine takes over 2 s).
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(20).rps(0.5)
                .burst(3).build())) {
            SimClient client = new SimClient(sim);
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(client.get(i % 2 == 0 ? "/v1/customers" : "/v1/account"));
            }
            long ok = replies.stream().filter(r -> r.status() == 200).count();
            long limited = replies.stream().filter(r -> r.status() == 429).count();
            assertThat(ok).isBetween(3L, 4L);
            assertThat(ok + limited).isEqualTo(10);
            assertThat(replies.subList(0, 3)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

            Reply r429 = replies.getLast();
            assertThat(r429.status()).isEqualTo(429);
            assertThat(r429.header("Retry-After")).isEqualTo("1");
            assertThat(r429.header("Stripe-Should-Retry")).isEqualTo("true");
            JsonNode error = r429.json().get("error");
            assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.get("code").asText()).isEqualTo("rate_limit");
            assertThat(error.get("message").asText()).startsWith("Too many requests hit the API too quickly.");

            Stats stats = sim.stats();
            assertThat(stats.requests()).isEqualTo(10);
            assertThat(stats.count(429)).isEqualTo(limited);
            assertThat(stats.count(200)).isEqualTo(ok);
            assertThat(sim.requestLog()).filteredOn(s -> s.status() == 429)
                    .allSatisfy(s -> assertThat(s.fault()).isEqualTo(Fault.RATE_LIMITED));

            // Another key has its own bucket.
            assertThat(client.get("/v1/customers", "Bearer sk_test_other").status()).isEqualTo(200);
            // A reset refills every bucket.
            assertThat(client.post("/_sim/reset-stats").status()).isEqualTo(204);
            assertThat(sim.stats().requests()).isZero();
            assertThat(sim.requestLog()).isEmpty();
            assertThat(client.get("/v1/customers").status()).isEqualTo(200);
        }
    }

    @Test
    void statsCountArrivalsInTheDensestSecondAndEmptyPages() {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(5)
                .rps(Double.POSITIVE_INFINITY).build())) {
            SimClient client = new SimClient(sim);
            long start = System.nanoTime();
            for (int i = 0; i < 12; i++) {
                client.get("/v1/refunds");
            }
            long elapsed = System.nanoTime() - start;
            Stats stats = sim.stats();
            assertThat(stats.emptyPages()).isEqualTo(12);
            if (elapsed < 900_000_000L) { // a very slow machine could spread them over more than a second
                assertThat(stats.maxRequestsInAny1sWindow()).isEqualTo(12);
            }
            assertThat(stats.maxRequestsInAny1sWindow()).isBetween(1L, 12L);

            JsonNode json = client.get("/_sim/stats", null).json();
            assertThat(json.get("requests").asLong()).isEqualTo(12);
            assertThat(json.get("by_status").get("200").asLong()).isEqualTo(12);
            assertThat(json.get("empty_pages").asLong()).isEqualTo(12);
            assertThat(json.get("max_requests_in_any_1s_window").asLong()).isEqualTo(stats.maxRequestsInAny1sWindow());
        }
    }
}
