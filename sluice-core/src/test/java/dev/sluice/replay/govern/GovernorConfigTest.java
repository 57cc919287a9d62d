package dev.sluice.replay.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GovernorConfigTest {

    @Test
    void eachModeHasItsOwnTargetAndBudget() {
        GovernorConfig background = GovernorConfig.defaults();
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
        assertThatThrownBy(() -> GovernorConfig.builder().minBatch(0).build())
                .hasMessageStartingWith("--min-batch must be >= 1");
        assertThatThrownBy(() -> GovernorConfig.builder().minBatch(100).maxBatch(10).build())
                .hasMessageStartingWith("--max-batch (capped by BACKFILL_BATCH_SIZE) must be in");
        assertThatThrownBy(() -> GovernorConfig.builder().budgetRatio(0.9).build())
                .hasMessageStartingWith("--foreground-budget must be");
        assertThatThrownBy(() -> GovernorConfig.builder().budgetSlack(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("--foreground-slack must be >= 0");
        assertThatThrownBy(() -> GovernorConfig.builder().targetCommit(Duration.ZERO).build())
                .hasMessageStartingWith("--target-commit must be positive");
        assertThatThrownBy(() -> GovernorConfig.builder().probeInterval(Duration.ofMillis(500)).build())
                .hasMessageStartingWith("--probe-interval must be in (0, window/3 = 333 ms]");
        assertThatThrownBy(() -> GovernorConfig.builder().fixedBatch(0).build())
                .hasMessageContaining("--batch-size, BACKFILL_BATCH_SIZE");
        assertThatThrownBy(() -> GovernorConfig.builder().fixedConcurrency(0).build())
                .hasMessageContaining("--max-concurrent, BACKFILL_MAX_CONCURRENT");
        assertThatThrownBy(() -> Mode.parse("turbo"))
                .hasMessage("--mode must be one of background, balanced, fast, fixed; was 'turbo'");
        assertThat(Mode.parse(" Fixed ")).isEqualTo(Mode.FIXED);
    }

    @Test
    void theOldToolsEnvironmentIsHonouredAsCaps() {
        Map<String, String> env = Map.of("BACKFILL_BATCH_SIZE", "25", "BACKFILL_BATCH_DELAY_MS", "500",
                "BACKFILL_MAX_CONCURRENT", "3", "BACKFILL_DB_POOL_SIZE", "", "BACKFILL_DAYS", "2");
        GovernorConfig background = GovernorConfig.builder().legacyEnvironment(env).build();
        assertThat(background.maxBatch()).isEqualTo(25);
        assertThat(background.initialBatch()).isEqualTo(25);
        assertThat(background.maxConcurrency()).isEqualTo(3);
        GovernorConfig fixed = GovernorConfig.builder().mode(Mode.FIXED).legacyEnvironment(env).build();
        assertThat(fixed.fixedBatch()).isEqualTo(25);
        assertThat(fixed.fixedDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(fixed.fixedConcurrency()).isEqualTo(3);
        assertThat(fixed.fixedRate()).isEqualTo(50.0);
        // the pool size caps too, and an explicit flag wins over the environment for the fixed profile
        GovernorConfig pooled = GovernorConfig.builder().mode(Mode.FIXED).fixedBatch(10)
                .legacyEnvironment(Map.of("BACKFILL_DB_POOL_SIZE", "2", "BACKFILL_BATCH_SIZE", "40")).build();
        assertThat(pooled.maxConcurrency()).isEqualTo(2);
        assertThat(pooled.fixedBatch()).isEqualTo(10);
        assertThatThrownBy(() -> GovernorConfig.builder().legacyEnvironment(Map.of("BACKFILL_BATCH_SIZE", "lots")))
                .hasMessage("BACKFILL_BATCH_SIZE must be a whole number in 1..1000000, was 'lots'");
    }
}
