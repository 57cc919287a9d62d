package dev.sluice.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.source.stripe.StripeWebhooks;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.JdbcChangeSink;
import dev.sluice.store.testing.StoredRows;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.ChangeApplier;
import dev.sluice.sync.run.SyncStats;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Requests;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.testing.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stripe's webhooks into {@code POST /v1/stripe/webhooks} over real HTTP, into SQLite and PostgreSQL: signed
 * deliveries applied by the version rule, every refusal answered 400 with its code and changing nothing, duplicates
 * and shuffled deliveries leaving the right state, and 503 while the database is away.
 */
class WebhookEndpointTest {
    static final String SECRET = "whsec_sluice_test_current";
    static final String OLD_SECRET = "whsec_sluice_test_previous";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(1_800_000_000L);
    private final HttpClient http = HttpClient.newHttpClient();

    /** A server with the webhook endpoint over a database of {@code kind}. */
    final class Endpoint implements AutoCloseable {
        final Database db;
        final IngestServer server;
        final JdbcChangeSink sink;

        Endpoint(Kind kind) throws Exception {
            db = Database.open(TestDatabases.fresh(kind, dir));
            sink = new JdbcChangeSink(db, clock);
            for (String stream : List.of("customers", "products", "subscriptions")) {
                sink.prepare("stripe", stream);
            }
            ChangeApplier applier = new ChangeApplier(sink, null, NestedLists.NONE, Requests.NONE, Requests.NONE,
                    new SyncStats());
            WebhookRoute route = new WebhookRoute("/v1/stripe/webhooks",
                    new StripeWebhooks(List.of(SECRET, OLD_SECRET), Duration.ofSeconds(300)), applier,
                    new WebhookRoute.Target("stripe", DeletionMode.TOMBSTONE), clock, 1 << 20, 1 << 20);
            server = IngestServer.start(ServerConfig.builder().apiKeys(List.of("sk_unused")).host("127.0.0.1").port(0).build(),
                    new JdbcBatchStore(db, clock), new FileObjectStore(dir.resolve("objects")), clock, List.of(route));
        }

        HttpResponse<String> post(String body, String signature) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url()))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
            if (signature != null) {
                b.header("Stripe-Signature", signature);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> deliver(String body) throws Exception {
            return post(body, StripeWebhooks.signatureHeader(SECRET, clock.epochSecond(),
                    body.getBytes(StandardCharsets.UTF_8)));
        }

        String url() {
            return "http://127.0.0.1:" + server.port() + "/v1/stripe/webhooks";
        }

        FakeClock clock() {
            return clock;
        }

        @Override
        public void close() {
            server.close();
            db.close();
        }
    }

    static String event(String id, String type, long created, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + created
                + ",\"type\":\"" + type + "\",\"data\":{\"object\":" + object + "},\"livemode\":false}";
    }

    static String customer(String id, String email) {
        return "{\"id\":\"" + id + "\",\"object\":\"customer\",\"created\":1700000000,\"email\":\"" + email + "\"}";
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    private static String email(Endpoint e, String id) throws Exception {
        return JSON.readTree(StoredRows.of(e.db, "stripe", "customers").get(id).data()).path("email").asText();
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void signedDeliveriesApplyAndEveryRefusalChangesNothing(Kind kind) throws Exception {
        try (Endpoint e = new Endpoint(kind)) {
            long now = clock.epochSecond();
            String first = event("evt_1", "customer.created", now - 10, customer("cus_1", "a@x"));
            HttpResponse<String> ok = e.deliver(first);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).path("received").asBoolean()).isTrue();
            assertThat(email(e, "cus_1")).isEqualTo("a@x");

            String update = event("evt_2", "customer.updated", now - 5, customer("cus_1", "b@x"));
            byte[] bytes = update.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> bad = e.post(update, StripeWebhooks.signatureHeader("whsec_wrong", now, bytes));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(code(bad)).isEqualTo("INVALID_SIGNATURE");
            assertThat(bad.body()).doesNotContain(SECRET);
            assertThat(code(e.post(update, null))).isEqualTo("INVALID_SIGNATURE");
            HttpResponse<String> stale = e.post(update, StripeWebhooks.signatureHeader(SECRET, now - 301, bytes));
            assertThat(code(stale)).isEqualTo("TIMESTAMP_OUT_OF_TOLERANCE");
            String notEvent = "{\"hello\":1}";
            assertThat(code(e.deliver(notEvent))).isEqualTo("MALFORMED_EVENT");
            assertThat(email(e, "cus_1")).isEqualTo("a@x");
            assertThat(e.sink.applied("stripe", List.of("evt_2"))).isEmpty();

            // The secret being rotated out still signs valid deliveries.
            assertThat(e.post(update, StripeWebhooks.signatureHeader(OLD_SECRET, now, bytes)).statusCode())
                    .isEqualTo(200);
            assertThat(email(e, "cus_1")).isEqualTo("b@x");
            HttpResponse<String> again = e.deliver(update);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("duplicate").asBoolean()).isTrue();

            HttpResponse<String> unknown = e.deliver(event("evt_3", "balance.available", now, "{\"object\":\"balance\"}"));
            assertThat(unknown.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(unknown.body()).path("ignored").asText()).isEqualTo("unknown type");

            e.deliver(event("evt_4", "customer.deleted", now - 1,
                    "{\"id\":\"cus_1\",\"object\":\"customer\",\"deleted\":true}"));
            e.deliver(event("evt_5", "customer.updated", now - 2, customer("cus_1", "late@x")));
            var row = StoredRows.of(e.db, "stripe", "customers").get("cus_1");
            assertThat(row.deleted()).isTrue();
            assertThat(email(e, "cus_1")).isEqualTo("b@x");
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void shuffledAndDuplicatedDeliveriesLeaveTheNewestState(Kind kind) throws Exception {
        try (Endpoint e = new Endpoint(kind)) {
            long now = clock.epochSecond();
            List<String> bodies = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                String id = "cus_" + c;
                bodies.add(event("evt_" + c + "_c", "customer.created", now - 200, customer(id, "v0")));
                for (int v = 1; v <= 6; v++) {
                    bodies.add(event("evt_" + c + "_" + v, "customer.updated", now - 200 + v * 10L,
                            customer(id, "v" + v)));
                }
                if (c % 4 == 0) {
                    bodies.add(event("evt_" + c + "_d", "customer.deleted", now - 100, customer(id, "v6")));
                }
            }
            List<String> deliveries = new ArrayList<>(bodies);
            deliveries.addAll(bodies.subList(0, bodies.size() / 3)); // duplicates
            Collections.shuffle(deliveries, new Random(kind.ordinal()));
            try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String body : deliveries) {
                    answers.add(pool.submit(() -> e.deliver(body)));
                }
                for (Future<HttpResponse<String>> a : answers) {
                    assertThat(a.get().statusCode()).isEqualTo(200);
                }
            }
            var rows = StoredRows.of(e.db, "stripe", "customers");
            for (int c = 0; c < 8; c++) {
                String id = "cus_" + c;
                assertThat(rows.get(id).deleted()).as(id).isEqualTo(c % 4 == 0);
                assertThat(email(e, id)).as(id).isEqualTo("v6");
            }
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void whileTheDatabaseIsAwayTheAnswerIs503SoStripeRetries(Kind kind) throws Exception {
        try (Endpoint e = new Endpoint(kind)) {
            e.db.close();
            HttpResponse<String> r = e.deliver(event("evt_1", "customer.created", clock.epochSecond(),
                    customer("cus_1", "a@x")));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(code(r)).isEqualTo("DATABASE_UNAVAILABLE");
        }
    }
}
