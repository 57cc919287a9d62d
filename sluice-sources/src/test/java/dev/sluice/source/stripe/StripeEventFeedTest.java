package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.FeedPage;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The events feed over real HTTP: its requests as Stripe takes them, and the simulator's events read back. */
class StripeEventFeedTest {

    /** A local server answering {@code /v1/events} with two pages per request group, recording each query. */
    private static HttpServer stub(List<String> queries) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", exchange -> {
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            queries.add(query);
            boolean second = query.contains("starting_after=");
            String type = query.substring(query.indexOf("types[]=") + 8).split("&")[0];
            String body = "{\"object\":\"list\",\"has_more\":" + !second + ",\"data\":[{\"id\":\"evt_"
                    + (second ? "b" : "a") + type.hashCode() + "\",\"object\":\"event\",\"type\":\"" + type
                    + "\",\"created\":" + (second ? 100 : 200) + ",\"data\":{\"object\":{\"id\":\"x_1\"}}}]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    @Test
    void typesAreSplitIntoRequestsOfAtMostTwentyAndEachIsPaged() throws Exception {
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer server = stub(queries);
        try {
            StripeApi api = new StripeApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    "sk_test_x", Duration.ofSeconds(5), Clock.system());
            ChangeFeed feed = api.events(List.of("customers", "charges", "invoices"));
            assertThat(feed.parts()).isEqualTo(2);
            TimeRange window = new TimeRange(50, 300);
            List<FeedEvent> read = new ArrayList<>();
            for (int part = 0; part < feed.parts(); part++) {
                FeedPage page = feed.fetch(part, window, null);
                read.addAll(page.events());
                assertThat(page.hasMore()).isTrue();
                read.addAll(feed.fetch(part, window, page.lastId()).events());
            }
            assertThat(queries).hasSize(4);
            Set<String> asked = new HashSet<>();
            for (String q : queries) {
                // the transport may order the parameters its own way; what matters is that each one is there
                assertThat(q.split("&")).contains("limit=100", "created[gte]=50", "created[lt]=300");
                List<String> types = new ArrayList<>();
                for (String p : q.split("&")) {
                    if (p.startsWith("types[]=")) {
                        types.add(p.substring(8));
                    }
                }
                assertThat(types).hasSizeLessThanOrEqualTo(20);
                asked.addAll(types);
            }
            assertThat(asked).containsExactlyInAnyOrderElementsOf(
                    StripeEventTypes.forResources(List.of("customers", "charges", "invoices")));
            assertThat(queries.get(1).split("&")).contains("starting_after=" + read.get(0).id());
            // The stub's events carry ids but objects of no kind; their types are known, so they are read.
            assertThat(read).hasSize(4).allMatch(e -> e.change() != null || e.skipped() != null);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSimulatorsChangesAreReadBackAsChangesNewestFirst() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).objects(300)
                .resources(List.of("customers", "products", "subscriptions")).rps(100_000).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            for (int i = 0; i < 40; i++) {
                sim.update(null, "customers", null);
            }
            sim.delete(null, "products", null);
            sim.delete(null, "subscriptions", null);
            StripeApi api = new StripeApi(URI.create(sim.baseUrl()), "sk_test_x", Duration.ofSeconds(5),
                    Clock.system());
            ChangeFeed feed = api.events(List.of("customers", "products", "subscriptions"));
            long now = System.currentTimeMillis() / 1000;
            List<FeedEvent> events = new ArrayList<>();
            // The simulator lists an event within a second of its change.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                events.clear();
                String after = null;
                while (true) {
                    FeedPage page = feed.fetch(0, new TimeRange(now - 60, now + 2), after);
                    events.addAll(page.events());
                    if (!page.hasMore()) {
                        return events.size() == 42;
                    }
                    after = page.lastId();
                }
            });
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).second()).isLessThanOrEqualTo(events.get(i - 1).second());
            }
            assertThat(events).allMatch(e -> e.change() != null);
            assertThat(events.stream().filter(e -> e.type().equals("product.deleted")).findFirst().orElseThrow()
                    .change().isDeletion()).isTrue();
            assertThat(events.stream().filter(e -> e.type().equals("customer.subscription.deleted")).findFirst()
                    .orElseThrow().change().json()).contains("\"status\":\"canceled\"");
        }
    }
}
