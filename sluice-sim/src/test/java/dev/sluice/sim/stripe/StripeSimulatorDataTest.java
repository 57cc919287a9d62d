package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.sim.stripe.SimClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data profiles and dataset files as a client of the running simulator sees them; objects created live. */
class StripeSimulatorDataTest {

    static final long DAY = 86_400;
    static final long NOW = 1_750_000_000L;

    @TempDir
    Path dir;

    private static StripeSimulator start(StripeSimConfig.Builder b) {
        return StripeSimulator.start(b.port(0).now(NOW).rps(Double.POSITIVE_INFINITY).build());
    }

    @Test
    void everyProfileKeepsDataInsideTheAccountsLife() {
        for (Profile p : Profile.values()) {
            try (StripeSimulator sim = start(StripeSimConfig.builder().profile(p).objects(3_000))) {
                assertThat(sim.digest("charges", null, sim.accountCreated()).count()).as(p.name()).isZero();
                assertThat(sim.digest("charges", NOW, null).count()).as(p.name()).isZero();
                assertThat(sim.digest("charges", sim.accountCreated(), NOW).count()).isEqualTo(1_000);
            }
        }
    }

    @Test
    void recentPutsThreeQuartersInTheLastMonth() {
        try (StripeSimulator sim = start(StripeSimConfig.builder().profile(Profile.RECENT).objects(9_000))) {
            long recent = sim.digest("customers", NOW - 30 * DAY, NOW).count();
            assertThat(recent).isGreaterThanOrEqualTo(sim.objectCount("customers") * 75L / 100);
        }
    }

    @Test
    void sparseOldHasATenYearOldAccountWithAnAlmostEmptyPast() {
        try (StripeSimulator sim = start(StripeSimConfig.builder().profile(Profile.SPARSE_OLD).objects(3_000))) {
            assertThat(sim.accountCreated()).isEqualTo(NOW - 3_650 * DAY);
            Reply account = new SimClient(sim).get("/v1/account");
            assertThat(account.json().get("created").asLong()).isEqualTo(NOW - 3_650 * DAY);
            assertThat(sim.digest("customers", null, NOW - 365 * DAY).count()).isEqualTo(20);
        }
    }

    @Test
    void aDatasetFileReplacesTheGeneratedData() throws IOException {
        Path file = dir.resolve("d.json");
        Files.writeString(file, """
                {"seed": 7, "resources": {"prices": [[1000, 2000, 40], [5000, 5001, 15]], "refunds": [[10, 20, 3]]}}
                """);
        try (StripeSimulator sim = start(StripeSimConfig.builder().dataset(file).seed(99).objects(1))) {
            assertThat(sim.objectCount("prices")).isEqualTo(55);
            assertThat(sim.objectCount("refunds")).isEqualTo(3);
            assertThat(sim.objectCount("customers")).isZero();
            assertThat(sim.digest("prices", 5000L, 5001L).count()).isEqualTo(15);
            assertThat(sim.accountCreated()).isEqualTo(10);
            assertThat(new SimClient(sim).pageAll("prices", "", 100)).hasSize(55);
        }
    }

    @Test
    void aBadDatasetFailsTheStartNamingFileAndResource() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"resources\": {\"charges\": [[10, 5, 3]]}}");
        assertThatThrownBy(() -> start(StripeSimConfig.builder().dataset(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("charges");
    }

    @Test
    void createRateAddsObjectsAtTheCurrentSecond() {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(30)
                .createRate(20).rps(Double.POSITIVE_INFINITY).build())) {
            long start = Instant.now().getEpochSecond();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(sim.objectCount("customers")).isGreaterThanOrEqualTo(10 + 5);
                assertThat(sim.objectCount("invoices")).isGreaterThanOrEqualTo(10 + 5);
            });
            Reply newest = new SimClient(sim).get("/v1/customers?limit=5&created%5Bgte%5D=" + start);
            assertThat(newest.ids()).hasSize(5);
            assertThat(newest.created()).allSatisfy(c -> assertThat(c)
                    .isBetween(start, Instant.now().getEpochSecond()));
            assertThat(sim.digest("customers", start, null).count()).isGreaterThanOrEqualTo(5);
        }
    }
}
