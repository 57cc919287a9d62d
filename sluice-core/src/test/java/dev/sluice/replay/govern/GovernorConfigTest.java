package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GovernorConfigTest {

    @Test
    void eachModeHasItsOwnTargetAndBudget() {
        GovernorConfig background = GovernorConfig.ofDefaults();
        assertThat(background.mode()).isEqualTo(Mode.BACKGROUND);
        assertThat(background.targetCommit()).isEqualTo(Duration.ofMillis(50));
        assertThat(background.budgetRatio()).isEqualTo(1.2);
        assertThat(background.budgetSlack()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(background.waiterAllowance()).isZero();
        assertThat(background.maxRate()).isInfinite();
        assertThat(background.maxConcurrency()).isEqualTo(8);

        GovernorConfig balanced = GovernorConfig.ofMode(Mode.BALANCED);
        assertThat(balanced.targetCommit()).isEqualTo(Duration.ofMillis(100));
        assertThat(balanced.budgetRatio()).isEqualTo(2.0);
        assertThat(balanced.waiterAllowance()).isEqualTo(1);

        assertThat(GovernorConfig.ofMode(Mode.FAST).targetCommit()).isEqualTo(Duration.ofMillis(200));
        // the ratio rules a 2 ms canary, the slack a 0.1 ms one
        assertThat(background.budgetNanos(2_000_000)).isEqualTo(2_400_000.0);
        assertThat(background.budgetNanos(100_000)).isEqualTo(350_000.0);
    }

    @Test
    void theFixedProfileIsTheOldToolsDefault() {
        GovernorConfig fixed = GovernorConfig.ofMode(Mode.FIXED);
        assertThat(fixed.fixedBatch()).isEqualTo(5);
        assertThat(fixed.fixedDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fixed.fixedConcurrency()).isEqualTo(2);
        assertThat(fixed.fixedRate()).isEqualTo(2.5);
        assertThat(GovernorConfig.builder().mode(Mode.FIXED).fixedDelay(Duration.ZERO).build().fixedRate())
                .isInfinite();
    }

    @Test
    void overridesHoldWhateverOrderTheModeIsSetIn() {
        GovernorConfig c = GovernorConfig.builder().budgetRatio(1.5).targetCommit(Duration.ofMillis(20))
                .mode(Mode.BALANCED).build();
        assertThat(c.budgetRatio()).isEqualTo(1.5);
        assertThat(c.targetCommit()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void badValuesNameTheirFlag() {
        assertThatThrownBy(() -> GovernorConfig.builder().maxRate(0).build())
                .hasMessageStartingWith("--max-rate must be a positive number");
        assertThatThrownBy(() -> GovernorConfig.builder().maxRate(Double.NaN).build())
                .hasMessageStartingWith("--max-rate");
        assertThatThrownBy(() -> GovernorConfig.builder().maxConcurrency(0).build())
                .hasMessageStartingWith("--max-db-connections must be in 1..1024, was 0");
        assertThatThrownBy(() -> GovernorConfig.builder().fixedBatch(0).build())
                .hasMessageStartingWith("the fixed profile's batch size (BACKFILL_BATCH_SIZE) must be >= 1");
        assertThatThrownBy(() -> GovernorConfig.builder().fixedDelay(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("the fixed profile's batch delay (BACKFILL_BATCH_DELAY_MS) must be >= 0");
        assertThatThrownBy(() -> GovernorConfig.builder().fixedConcurrency(0).build())
                .hasMessageStartingWith("the fixed profile's concurrency (BACKFILL_MAX_CONCURRENT) must be >= 1");
        assertThatThrownBy(() -> Mode.parse("turbo"))
                .hasMessage("--mode must be one of background, balanced, fast, fixed; was 'turbo'");
        assertThat(Mode.parse(" Fixed ")).isEqualTo(Mode.FIXED);
    }

    /** A setting no flag sets is named as the builder names it, never as a flag that does not exist. */
    @Test
    void settingsWithoutAFlagAreNamedAsTheBuilderNamesThem() {
        assertThatThrownBy(() -> GovernorConfig.builder().minBatch(0).build())
                .hasMessageStartingWith("minBatch must be >= 1");
        assertThatThrownBy(() -> GovernorConfig.builder().minBatch(100).maxBatch(10).build())
                .hasMessageStartingWith("the largest batch (maxBatch, capped by BACKFILL_BATCH_SIZE) must be in");
        assertThatThrownBy(() -> GovernorConfig.builder().budgetRatio(0.9).build())
                .hasMessageStartingWith("budgetRatio must be");
        assertThatThrownBy(() -> GovernorConfig.builder().budgetSlack(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("budgetSlack must be >= 0");
        assertThatThrownBy(() -> GovernorConfig.builder().targetCommit(Duration.ZERO).build())
                .hasMessageStartingWith("targetCommit must be positive");
        assertThatThrownBy(() -> GovernorConfig.builder().probeInterval(Duration.ofMillis(500)).build())
                .hasMessageStartingWith("probeInterval must be in (0, window/3 = 333 ms]");
    }
}
