package dev.sluice.cli.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.pull.run.BackfillResult;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/account} takes its token and rides out a 429 like every other request, instead of ending the run. */
class AccountStartTest {
    @TempDir
    Path dir;

    @Test
    void aThrottledAccountRequestIsRetriedAndTheRunCompletes() throws Exception {
        // One token a second, none to spare: the request below empties the bucket, so the run's first request,
        // GET /v1/account, is answered 429 and must wait for the next token.
        StripeSimConfig config = StripeSimConfig.builder().port(0).objects(30).rps(1).burst(1)
                .resources(List.of("customers")).build();
        try (StripeSimulator sim = StripeSimulator.start(config);
             HttpClient http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/customers?limit=1"))
                    .header("Authorization", "Bearer sk_test_x").build(), HttpResponse.BodyHandlers.discarding());
            BackfillResult result = StripeBackfill.run(StripeBackfill.Options.builder()
                    .baseUrl(URI.create(sim.baseUrl())).apiKey("sk_test_x").resources(List.of("customers"))
                    .db(DatabaseUrl.sqlite(dir.resolve("a.db"))).rps(100).job("account-429").build(),
                    Clock.system(), b -> { });
            assertThat(result.complete()).isTrue();
            assertThat(sim.stats().count(429)).isPositive();
        }
    }
}
