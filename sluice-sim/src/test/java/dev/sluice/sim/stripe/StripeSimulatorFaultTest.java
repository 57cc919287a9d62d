package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sim.stripe.SimClient.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Injected faults as a java.net.http client sees them. These are the facts the engine's HTTP client is built on:
 * a hang surfaces as an {@link IOException} from {@code send}, a truncated body as an {@link IOException} while
 * reading it — never as a short but parseable body.
 */
class StripeSimulatorFaultTest {

    private static HttpRequest get(StripeSimulator sim, String path) {
        return HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + SimClient.KEY).build();
    }

    private static StripeSimConfig.Builder base() {
        return StripeSimConfig.builder().port(0).objects(300).rps(Double.POSITIVE_INFINITY);
    }

    /**
     * NOTE: the JDK client treats "connection closed before any response byte" as a stale pooled connection and
     * sends a GET once more by itself (MultiExchange, ConnectionExpiredException; no property turns this off for
     * GET). So one {@code send} that meets a hang costs two server requests and twice {@code hangMs}, and the
     * second one takes no token from the caller's limiter. A request timeout shorter than {@code hangMs} avoids
     * both: the client gives up with HttpTimeoutException before the drop.
     */
    @Test
    void aHangDropsTheConnectionWithoutAResponse() {
        try (StripeSimulator sim = StripeSimulator.start(base().hangRate(1).hangMs(200).build());
             HttpClient http = HttpClient.newHttpClient()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.send(get(sim, "/v1/customers"), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("header parser received no bytes");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(2 * 200_000_000L);
            assertThat(sim.requestLog()).as("the client's silent retry").hasSize(2);
            assertThat(sim.stats().count(0)).isEqualTo(2);
            assertThat(sim.requestLog()).allSatisfy(r -> {
                assertThat(r.fault()).isEqualTo(Fault.HANG);
                assertThat(r.status()).isZero();
                assertThat(r.ids()).isEmpty();
            });
            // The account endpoint is not a list: no faults there.
            assertThat(new SimClient(sim).get("/v1/account").status()).isEqualTo(200);
        }
    }

    @Test
    void aShortTimeoutSeesAHangAsATimeoutWithoutARetry() {
        try (StripeSimulator sim = StripeSimulator.start(base().hangRate(1).hangMs(2_000).build());
             HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/customers"))
                    .timeout(Duration.ofMillis(300)).header("Authorization", "Bearer " + SimClient.KEY).build();
            assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(sim.requestLog()).hasSize(1);
        }
    }

    @Test
    void aTruncatedBodyIsAnErrorNeverAShortBody() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(base().truncateRate(1).build());
             HttpClient http = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> http.send(get(sim, "/v1/customers?limit=50"),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class)
                    .hasMessageContaining("fixed content-length");
            assertThatThrownBy(() -> http.send(get(sim, "/v1/charges?limit=50"),
                    HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
            HttpResponse<InputStream> streamed = http.send(get(sim, "/v1/invoices?limit=50"),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(streamed.statusCode()).isEqualTo(200);
            try (InputStream in = streamed.body()) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
            }
            assertThat(sim.stats().count(200)).isEqualTo(3);
            assertThat(sim.requestLog()).allSatisfy(r -> assertThat(r.fault()).isEqualTo(Fault.TRUNCATE));
        }
    }

    @Test
    void errorRateAnswers500ThatStripeSaysToRetry() {
        try (StripeSimulator sim = StripeSimulator.start(base().errorRate(1).build())) {
            Reply r = new SimClient(sim).get("/v1/customers");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().at("/error/type").asText()).isEqualTo("api_error");
            assertThat(r.header("Stripe-Should-Retry")).isEqualTo("true");
            assertThat(sim.requestLog().getFirst().fault()).isEqualTo(Fault.ERROR);
        }
    }

    @Test
    void throttleRateAnswers429WhateverTheRate() {
        try (StripeSimulator sim = StripeSimulator.start(base().throttleRate(1).build())) {
            Reply r = new SimClient(sim).get("/v1/customers");
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.json().at("/error/type").asText()).isEqualTo("rate_limit_error");
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.header("Stripe-Should-Retry")).isEqualTo("true");
            assertThat(sim.requestLog().getFirst().fault()).isEqualTo(Fault.THROTTLE);
        }
    }

    @Test
    void theSameSeedInjectsTheSameFaults() {
        StripeSimConfig config = base().seed(3).errorRate(0.3).throttleRate(0.2).build();
        List<Integer> first = statuses(config);
        assertThat(first).contains(200, 500, 429);
        assertThat(statuses(config)).isEqualTo(first);
        assertThat(statuses(config.toBuilder().seed(4).build())).isNotEqualTo(first);
    }

    private static List<Integer> statuses(StripeSimConfig config) {
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            SimClient client = new SimClient(sim);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                statuses.add(client.get("/v1/customers?limit=1").status());
            }
            return statuses;
        }
    }

    @Test
    void latencyDelaysEveryAnswer() {
        try (StripeSimulator sim = StripeSimulator.start(base().latencyMs(150).latencyJitterMs(50).build())) {
            SimClient client = new SimClient(sim);
            for (String path : List.of("/v1/customers", "/v1/account", "/v1/nope")) {
                long start = System.nanoTime();
                client.get(path);
                assertThat((System.nanoTime() - start) / 1_000_000).as(path).isGreaterThanOrEqualTo(100);
            }
            long start = System.nanoTime();
            client.get("/v1/customers", null); // a 401 waits too
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100);
        }
    }
}
