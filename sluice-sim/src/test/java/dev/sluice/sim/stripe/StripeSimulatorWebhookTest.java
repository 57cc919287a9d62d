package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.sim.stripe.WebhookReceiver.Delivery;
import dev.sluice.testing.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Every event is posted, signed as Stripe signs, at least once, possibly twice and out of order. */
class StripeSimulatorWebhookTest {

    static final long NOW = 1_750_000_000L;
    static final long T = NOW + 500;
    static final String SECRET = "whsec_5a1c3e0b7f2d4e6a8c9b1d3f5e7a9c0b";

    private static StripeSimulator start(FakeClock clock, URI hook, StripeSimConfig.Builder b) {
        return StripeSimulator.start(b.port(0).now(NOW).seed(21).objects(600).resources("customers,subscriptions")
                .rps(Double.POSITIVE_INFINITY).webhook(hook, SECRET).build(), clock);
    }

    /** Checked here with the JDK's HMAC, not the simulator's code: the header must be Stripe's, byte for byte. */
    private static void assertSignedAsStripeDoes(Delivery d, long expectedTimestamp) {
        Map<String, String> parts = new HashMap<>();
        for (String part : d.signature().split(",")) {
            String[] kv = part.split("=", 2);
            parts.put(kv[0], kv[1]);
        }
        assertThat(parts).containsKeys("t", "v1");
        long t = Long.parseLong(parts.get("t"));
        assertThat(t).isEqualTo(expectedTimestamp);
        String expected = hmacHex(SECRET, t + "." + new String(d.body(), StandardCharsets.UTF_8));
        assertThat(parts.get("v1")).isEqualTo(expected);
        assertThat(parts.get("v0")).as("a v0 comes along in test mode and must not match").isNotEqualTo(expected);
        assertThat(d.contentType()).startsWith("application/json");
    }

    private static String hmacHex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(Delivery d) {
        try {
            return SimClient.JSON.readTree(d.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyEventIsPostedOnceSignedAndShapedLikeTheEventsApi() {
        FakeClock clock = new FakeClock(T);
        try (WebhookReceiver hook = new WebhookReceiver();
             StripeSimulator sim = start(clock, hook.url(), StripeSimConfig.builder())) {
            for (int i = 0; i < 10; i++) {
                sim.update(null, "customers", null);
                sim.delete(null, "subscriptions", null);
            }
            sim.create(null, "customers");
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().webhooks().pending() == 0);
            assertThat(hook.received()).hasSize(21);

            List<String> changed = sim.changes().stream().map(Change::eventId).toList();
            SimClient c = new SimClient(sim);
            clock.advanceMillis(1_000);
            for (Delivery d : hook.received()) {
                assertSignedAsStripeDoes(d, T);
                JsonNode event = json(d);
                assertThat(event.get("object").asText()).isEqualTo("event");
                assertThat(event.get("pending_webhooks").asInt()).as("pending while being sent").isEqualTo(1);
                JsonNode listed = c.get("/v1/events/" + event.get("id").asText()).json();
                assertThat(listed.get("pending_webhooks").asInt()).as("delivered").isZero();
                ((ObjectNode) listed).put("pending_webhooks", 1);
                assertThat(event).isEqualTo(listed);
            }
            assertThat(hook.received()).extracting(d -> json(d).get("id").asText())
                    .containsExactlyInAnyOrderElementsOf(changed);
            WebhookStats stats = sim.stats().webhooks();
            assertThat(stats.deliveries()).isEqualTo(21);
            assertThat(stats.failures()).isZero();
            assertThat(stats.retries()).isZero();
            assertThat(stats.duplicates()).isZero();
            assertThat(stats.pending()).isZero();
            assertThat(c.pageAll("events", "delivery_success=true", 100)).hasSize(21);
            assertThat(c.pageAll("events", "delivery_success=false", 100)).isEmpty();
        }
    }

    @Test
    void aRefusedOrDroppedDeliveryIsRetriedUntilTheEndpointTakesIt() {
        FakeClock clock = new FakeClock(T);
        try (WebhookReceiver hook = new WebhookReceiver();
             StripeSimulator sim = start(clock, hook.url(), StripeSimConfig.builder())) {
            AtomicInteger calls = new AtomicInteger();
            hook.answer(() -> calls.incrementAndGet() % 2 == 0 ? 0 : 503); // alternately drop and refuse
            List<String> ids = List.of(sim.update(null, "customers", null).eventId(),
                    sim.update(null, "customers", null).eventId(), sim.delete(null, "customers", null).eventId());
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().webhooks().failures() >= 6);
            clock.advanceMillis(1_000);
            SimClient c = new SimClient(sim);
            assertThat(c.pageAll("events", "delivery_success=false", 100)).hasSize(3);
            assertThat(c.get("/v1/events/" + ids.getFirst()).json().get("pending_webhooks").asInt()).isEqualTo(1);
            assertThat(hook.received()).isEmpty();

            clock.advanceMillis(60_000); // the endpoint was down a minute: each retry is signed when it is sent
            hook.answer(() -> 200);
            await().atMost(Duration.ofSeconds(15)).until(() -> sim.stats().webhooks().pending() == 0);
            assertThat(hook.received()).hasSize(3);
            assertThat(hook.received()).extracting(d -> json(d).get("id").asText())
                    .containsExactlyInAnyOrderElementsOf(ids);
            hook.received().forEach(d -> assertSignedAsStripeDoes(d, T + 61));
            WebhookStats stats = sim.stats().webhooks();
            assertThat(stats.retries()).isGreaterThanOrEqualTo(6);
            assertThat(stats.deliveries()).isEqualTo(3);
            assertThat(stats.pending()).isZero();
            assertThat(c.pageAll("events", "delivery_success=true", 100)).hasSize(3);
        }
    }

    @Test
    void aShareIsDeliveredTwiceAndTheShuffleLosesTheOrder() {
        FakeClock clock = new FakeClock(T);
        try (WebhookReceiver hook = new WebhookReceiver();
             StripeSimulator sim = start(clock, hook.url(), StripeSimConfig.builder().webhookDuplicateRate(0.3)
                     .webhookShuffleMs(400))) {
            for (int i = 0; i < 100; i++) {
                sim.update(null, "customers", null);
            }
            long duplicates = sim.stats().webhooks().duplicates();
            assertThat(duplicates).isBetween(15L, 45L);
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().webhooks().pending() == 0);
            assertThat(hook.received()).hasSize((int) (100 + duplicates));

            List<String> arrived = hook.received().stream().map(d -> json(d).get("id").asText()).toList();
            List<String> made = sim.changes().stream().map(Change::eventId).toList();
            assertThat(new HashSet<>(arrived)).isEqualTo(new HashSet<>(made));
            Set<String> seen = new HashSet<>();
            long repeated = arrived.stream().filter(id -> !seen.add(id)).count();
            assertThat(repeated).isEqualTo(duplicates);
            assertThat(arrived.stream().distinct().toList()).as("shuffled").isNotEqualTo(made);
            hook.received().forEach(d -> assertSignedAsStripeDoes(d, T));
            assertThat(sim.stats().webhooks().deliveries()).isEqualTo(100 + duplicates);
        }
    }
}
