package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.cli.serve.StripeWebhookEndpoint;
import dev.sluice.cli.support.SimSync;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.source.stripe.StripeWebhooks;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.sync.DeletionMode;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve}'s webhook endpoint and a polling sync on one database: the endpoint gets only some of the
 * deliveries (the others are lost), the poll then heals the gap — events the endpoint applied are recognised by id and
 * not applied again — and the tables end equal to the simulator's state.
 */
class WebhookBesidePollTest {
    private static final String SECRET = "whsec_sluice_beside";
    private static final List<String> RESOURCES = List.of("customers", "products");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPollHealsTheDeliveriesAWebhookEndpointMissed() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(31).objects(200).resources(RESOURCES)
                .rps(100_000).build();
        DatabaseUrl url = DatabaseUrl.parse("sqlite:" + dir.resolve("beside.db"));
        HttpClient http = HttpClient.newHttpClient();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            var options = SimSync.options(sim, url, RESOURCES, "beside");
            SimSync.run(options, SimSync.config(), DeletionMode.TOMBSTONE);
            long from = sim.changes().isEmpty() ? 0 : sim.changes().getLast().sequence();
            for (int i = 0; i < 120; i++) {
                if (i % 10 == 0) {
                    sim.delete(null, "customers", null);
                } else {
                    sim.update(null, RESOURCES.get(i % 2), null);
                }
            }
            List<String> changed = sim.changes(from).stream().map(c -> c.eventId()).toList();
            // The simulator lists an event within a second of its change.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events(http, sim).size() >= changed.size());
            List<JsonNode> events = events(http, sim);
            int delivered = 0;
            try (Database db = Database.open(url); IngestServer server = IngestServer.start(
                    ServerConfig.builder().apiKeys(List.of("sk_unused_beside")).host("127.0.0.1").port(0).build(),
                    new JdbcBatchStore(db, Clock.system()), new FileObjectStore(dir.resolve("objects")),
                    Clock.system(), List.of(StripeWebhookEndpoint.route(new StripeWebhookEndpoint.Settings(
                            List.of(SECRET), Duration.ofSeconds(300), "sk_test_x", URI.create(sim.baseUrl()), 1000,
                            null), db, Clock.system(), 1 << 20)))) {
                SplittableRandom random = new SplittableRandom(5);
                for (JsonNode e : events) {
                    if (random.nextInt(3) == 0) {
                        continue; // a delivery lost on the way
                    }
                    byte[] body = e.toString().getBytes(StandardCharsets.UTF_8);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + server.port() + StripeWebhookEndpoint.PATH))
                            .header("Stripe-Signature", StripeWebhooks.signatureHeader(SECRET,
                                    System.currentTimeMillis() / 1000, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    delivered++;
                }
            }
            long lastChange = sim.changes().getLast().atMillis() / 1000;
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.currentTimeMillis() / 1000 - 2 > lastChange + 1);
            var healed = SimSync.run(options, SimSync.config(), null);
            assertThat(healed.sync().stats().duplicates()).as("events the endpoint applied").isEqualTo(delivered);
            assertThat(healed.sync().stats().applied() + healed.sync().stats().skipped())
                    .as("events only the poll applied").isEqualTo(changed.size() - delivered);
            for (String r : RESOURCES) {
                SimSync.assertMatches(url, sim, r, DeletionMode.TOMBSTONE);
            }
        }
    }

    /** Every event the simulator lists now, newest first. */
    private static List<JsonNode> events(HttpClient http, StripeSimulator sim) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/events?limit=100"
                    + (after == null ? "" : "&starting_after=" + after)))
                    .header("Authorization", "Bearer sk_test_x").GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode page = JSON.readTree(r.body());
            page.get("data").forEach(out::add);
            if (!page.get("has_more").asBoolean()) {
                return out;
            }
            after = out.getLast().get("id").asText();
        }
    }
}
