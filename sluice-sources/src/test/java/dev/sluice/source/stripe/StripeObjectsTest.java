package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.run.RequestCounts;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.sim.stripe.StateDigest;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.sync.Change;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retrieves and invoice lines against the simulator over real HTTP. */
class StripeObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StripeApi api(StripeSimulator sim) {
        return new StripeApi(URI.create(sim.baseUrl()), "sk_test_x", Duration.ofSeconds(5), Clock.system());
    }

    @Test
    void aRetrieveIsACopyAndADeletedObjectIsGoneWhateverStripeAnswers() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).objects(60)
                .resources(List.of("customers", "products", "subscriptions")).rps(100_000).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            StripeApi api = api(sim);
            String customer = sim.ids("customers", null, null).get(0);
            Change copy = api.reader().read("customers", customer);
            assertThat(copy.kind()).isEqualTo(Change.Kind.UPSERT);
            assertThat(copy.event()).isNull();
            assertThat(StateDigest.canonical(copy.json()))
                    .isEqualTo(StateDigest.canonical(sim.objects(null, "customers").get(customer)));

            String deletedCustomer = sim.delete(null, "customers", null).objectId(); // 200 {deleted: true}
            String deletedProduct = sim.delete(null, "products", null).objectId(); // 404 resource_missing
            String canceled = sim.delete(null, "subscriptions", null).objectId();
            assertThat(api.reader().read("customers", deletedCustomer).isDeletion()).isTrue();
            assertThat(api.reader().read("products", deletedProduct).isDeletion()).isTrue();
            Change sub = api.reader().read("subscriptions", canceled);
            assertThat(sub.isDeletion()).isFalse();
            assertThat(JSON.readTree(sub.json()).path("status").asText()).isEqualTo("canceled");
        }
    }

    @Test
    void invoicesWith0_10_11And250LinesAreStoredWhole() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).objects(40).resources(List.of("invoices"))
                .invoiceLines(List.of(0, 10, 11, 250)).rps(100_000).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            StripeApi api = api(sim);
            RequestCounts counts = new RequestCounts();
            RetryingRequests requests = new RetryingRequests(new RateLimiter(RateLimiter.Config.ofRate(10_000),
                    Clock.system()), Backoff.ofDefaults(), Clock.system(), 1, counts);
            Map<String, String> truth = sim.objects(null, "invoices", true);
            int[] seen = new int[4];
            long expectedRequests = 0;
            for (String id : truth.keySet()) {
                String embedded = api.reader().read("invoices", id).json();
                String whole = api.nestedLists().complete("invoices", id, embedded, requests);
                assertThat(StateDigest.canonical(whole)).as(id).isEqualTo(StateDigest.canonical(truth.get(id)));
                int lines = JSON.readTree(whole).path("lines").path("data").size();
                assertThat(JSON.readTree(whole).path("lines").path("has_more").asBoolean()).isFalse();
                seen[switch (lines) {
                    case 0 -> 0;
                    case 10 -> 1;
                    case 11 -> 2;
                    case 250 -> 3;
                    default -> throw new AssertionError(id + " has " + lines + " lines");
                }]++;
                // Ten lines come embedded; the rest in pages of 100.
                expectedRequests += lines <= 10 ? 0 : (lines - 10 + 99) / 100;
            }
            assertThat(Arrays.stream(seen)).allMatch(n -> n > 0);
            assertThat(counts.snapshot().requests()).isEqualTo(expectedRequests);
        }
    }
}
