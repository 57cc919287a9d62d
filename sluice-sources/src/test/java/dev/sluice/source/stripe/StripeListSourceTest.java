package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceRecord;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.testing.FakeClock;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client against the simulator over real HTTP: paging, and every failure classified as the engine needs. */
class StripeListSourceTest {
    private static final long NOW = 1_750_000_000L;

    private static StripeSimConfig.Builder sim() {
        return StripeSimConfig.builder().port(0).now(NOW).objects(450).resources(List.of("customers")).rps(100_000);
    }

    private static StripeListSource client(StripeSimulator sim, Duration timeout) {
        return new StripeListSource(URI.create(sim.baseUrl()), "sk_test_x", timeout, Clock.system());
    }

    @Test
    void subscriptionsAreListedWithCanceledOnesWhichStripeHidesByDefault() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().resources(List.of("subscriptions")).objects(50).build())) {
            String canceled = sim.delete(null, "subscriptions", null).objectId();
            StripeListSource source = client(sim, Duration.ofSeconds(5));
            Page page = source.fetch(new PageRequest("subscriptions", new TimeRange(sim.accountCreated(), NOW + 5),
                    null, 100));
            assertThat(page.items()).hasSize(50).anyMatch(r -> r.id().equals(canceled)
                    && r.json().contains("\"status\":\"canceled\""));
            assertThat(sim.requestLog().get(sim.requestLog().size() - 1).params()).containsEntry("status", "all");
        }
    }

    @Test
    void pagesThroughARangeWithStartingAfter() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().build())) {
            StripeListSource source = client(sim, Duration.ofSeconds(5));
            TimeRange all = new TimeRange(sim.accountCreated(), NOW + 1);
            Set<String> ids = new HashSet<>();
            String after = null;
            long previous = Long.MAX_VALUE;
            int pages = 0;
            while (true) {
                Page page = source.fetch(new PageRequest("customers", all, after, 100));
                pages++;
                for (SourceRecord r : page.items()) {
                    assertThat(r.created()).isLessThanOrEqualTo(previous);
                    previous = r.created();
                    assertThat(ids.add(r.id())).isTrue();
                    assertThat(r.json()).contains("\"object\":\"customer\"");
                }
                if (!page.hasMore()) {
                    break;
                }
                after = page.last().id();
            }
            assertThat(pages).isEqualTo(5);
            assertThat(ids).hasSize(450);
            assertThat(source.accountCreated()).isEqualTo(sim.accountCreated());
        }
    }

    @Test
    void aBadKeyOrResourceIsAClientErrorWithTheApisMessage() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().build())) {
            StripeListSource bad = new StripeListSource(URI.create(sim.baseUrl()), "pk_wrong", Duration.ofSeconds(5),
                    Clock.system());
            TimeRange r = new TimeRange(0, NOW);
            assertThatThrownBy(() -> bad.fetch(new PageRequest("customers", r, null, 10)))
                    .isInstanceOfSatisfying(SourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SourceException.Kind.CLIENT_ERROR);
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("/v1/customers").doesNotContain("pk_wrong");
                    });
            assertThatThrownBy(() -> client(sim, Duration.ofSeconds(5)).fetch(new PageRequest("widgets", r, null, 10)))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.status()).isEqualTo(404));
            assertThatThrownBy(() -> client(sim, Duration.ofSeconds(5)).fetch(new PageRequest("customers", r, "cus_nope", 10)))
                    .isInstanceOfSatisfying(SourceException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.getMessage()).contains("cus_nope");
                    });
        }
    }

    @Test
    void a429IsRateLimitedWithRetryAfter() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().throttleRate(1.0).build())) {
            assertThatThrownBy(() -> client(sim, Duration.ofSeconds(5))
                    .fetch(new PageRequest("customers", new TimeRange(0, NOW), null, 10)))
                    .isInstanceOfSatisfying(SourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SourceException.Kind.RATE_LIMITED);
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                    });
        }
    }

    @Test
    void a500IsAServerError() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().errorRate(1.0).build())) {
            assertThatThrownBy(() -> client(sim, Duration.ofSeconds(5))
                    .fetch(new PageRequest("customers", new TimeRange(0, NOW), null, 10)))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.SERVER_ERROR));
        }
    }

    @Test
    void aHungConnectionFailsWithinTheDeadlineAsTransport() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().hangRate(1.0).hangMs(10_000).build())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client(sim, Duration.ofMillis(300))
                    .fetch(new PageRequest("customers", new TimeRange(0, NOW), null, 10)))
                    .isInstanceOfSatisfying(SourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SourceException.Kind.TRANSPORT);
                        assertThat(e.getMessage()).contains("within");
                    });
            // A correctness bound, not a performance one: the deadline, not the server's 10 s hang, ended it.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
        }
    }

    @Test
    void aTruncatedBodyIsTransportNeverAShortPage() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().truncateRate(1.0).build())) {
            List<SourceException.Kind> kinds = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try {
                    client(sim, Duration.ofSeconds(5)).fetch(new PageRequest("customers", new TimeRange(0, NOW), null, 100));
                } catch (SourceException e) {
                    kinds.add(e.kind());
                }
            }
            assertThat(kinds).hasSize(5).containsOnly(SourceException.Kind.TRANSPORT);
        }
    }

    @Test
    void versionsAreTheReceiptTime() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(sim().build())) {
            FakeClock clock = new FakeClock(NOW);
            StripeListSource source = new StripeListSource(URI.create(sim.baseUrl()), "sk_test_x", Duration.ofSeconds(5), clock);
            Page a = source.fetch(new PageRequest("customers", new TimeRange(0, NOW + 1), null, 1));
            clock.advanceMillis(5);
            Page b = source.fetch(new PageRequest("customers", new TimeRange(0, NOW + 1), null, 1));
            assertThat(b.items().get(0).version()).isEqualTo(a.items().get(0).version() + 5);
        }
    }
}
