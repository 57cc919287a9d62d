package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StripeSimConfigTest {

    @Test
    void defaults() {
        long before = Instant.now().getEpochSecond();
        StripeSimConfig c = StripeSimConfig.builder().build();
        assertThat(c.port()).isEqualTo(12111);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.seed()).isEqualTo(1);
        assertThat(c.objects()).isEqualTo(10_000);
        assertThat(c.profile()).isEqualTo(Profile.UNIFORM);
        assertThat(c.resources()).containsExactly("customers", "charges", "invoices");
        assertThat(c.datasetFile()).isEmpty();
        assertThat(c.now()).isBetween(before, Instant.now().getEpochSecond());
        assertThat(c.accountAgeDays()).isEqualTo(3 * 365);
        assertThat(c.rps()).isEqualTo(25);
        assertThat(c.burst()).isEqualTo(3);
        assertThat(c.latencyMs()).isZero();
        assertThat(c.hangMs()).isEqualTo(5_000);
        assertThat(c.errorRate() + c.throttleRate() + c.hangRate() + c.truncateRate() + c.createRate()).isZero();
        assertThat(c.apiKeys()).isEmpty();
    }

    @Test
    void burstFollowsTheRateUnlessSet() {
        assertThat(StripeSimConfig.builder().rps(100).build().burst()).isEqualTo(10);
        assertThat(StripeSimConfig.builder().rps(2).build().burst()).isEqualTo(1);
        assertThat(StripeSimConfig.builder().rps(2).burst(7).build().burst()).isEqualTo(7);
        assertThat(StripeSimConfig.builder().rps(Double.POSITIVE_INFINITY).build().rps()).isInfinite();
    }

    @Test
    void sparseOldMakesTheAccountTenYearsOldUnlessAnAgeIsGiven() {
        assertThat(StripeSimConfig.builder().profile("sparse-old").build().accountAgeDays()).isEqualTo(3_650);
        assertThat(StripeSimConfig.builder().profile(Profile.SPARSE_OLD).accountAgeDays(400).build()
                .accountAgeDays()).isEqualTo(400);
        StripeSimConfig c = StripeSimConfig.builder().now(1_000_000_000L).accountAgeDays(2).build();
        assertThat(c.accountCreated()).isEqualTo(1_000_000_000L - 2 * 86_400);
    }

    @Test
    void profilesParseFromTheirFlagSpelling() {
        assertThat(Profile.parse("uniform")).isEqualTo(Profile.UNIFORM);
        assertThat(Profile.parse("Sparse-Old")).isEqualTo(Profile.SPARSE_OLD);
        assertThat(Profile.parse("pileup")).isEqualTo(Profile.PILEUP);
        assertThatThrownBy(() -> StripeSimConfig.builder().profile("bursty"))
                .hasMessage("--profile must be one of uniform|recent|spikes|pileup|sparse-old, was bursty");
    }

    @Test
    void settersNameTheFlagAndTheValue() {
        assertThatThrownBy(() -> StripeSimConfig.builder().rps(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--rps must be > 0, was -1");
        assertThatThrownBy(() -> StripeSimConfig.builder().rps(0)).hasMessage("--rps must be > 0, was 0");
        assertThatThrownBy(() -> StripeSimConfig.builder().rps(Double.NaN)).hasMessageStartingWith("--rps");
        assertThatThrownBy(() -> StripeSimConfig.builder().port(70_000)).hasMessageStartingWith("--port");
        assertThatThrownBy(() -> StripeSimConfig.builder().objects(-5)).hasMessage("--objects must be >= 0, was -5");
        assertThatThrownBy(() -> StripeSimConfig.builder().burst(0)).hasMessageStartingWith("--burst");
        assertThatThrownBy(() -> StripeSimConfig.builder().errorRate(1.5))
                .hasMessage("--error-rate must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> StripeSimConfig.builder().hangRate(-0.1)).hasMessageStartingWith("--hang-rate");
        assertThatThrownBy(() -> StripeSimConfig.builder().latencyMs(-1)).hasMessageStartingWith("--latency-ms");
        assertThatThrownBy(() -> StripeSimConfig.builder().createRate(-1)).hasMessageStartingWith("--create-rate");
        assertThatThrownBy(() -> StripeSimConfig.builder().resources("customers,widgets"))
                .hasMessageStartingWith("--resources must be among customers,charges,invoices")
                .hasMessageEndingWith("was widgets");
        assertThatThrownBy(() -> StripeSimConfig.builder().resources(List.of()))
                .hasMessageStartingWith("--resources");
        assertThatThrownBy(() -> StripeSimConfig.builder().apiKeys(Set.of(" ")))
                .hasMessageStartingWith("--api-keys");
    }

    @Test
    void faultRatesMayNotAddUpToMoreThanOne() {
        assertThatThrownBy(() -> StripeSimConfig.builder().errorRate(0.6).hangRate(0.5).build())
                .hasMessageStartingWith("--error-rate + --throttle-rate + --hang-rate + --truncate-rate must be <= 1");
        assertThat(StripeSimConfig.builder().errorRate(0.5).hangRate(0.5).build().hangRate()).isEqualTo(0.5);
    }

    @Test
    void toBuilderKeepsEveryValue() {
        StripeSimConfig c = StripeSimConfig.builder().port(0).seed(9).objects(5).profile("spikes")
                .resources("prices").now(1_700_000_000L).rps(7).latencyMs(3).apiKeys(Set.of("sk_x")).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }
}
