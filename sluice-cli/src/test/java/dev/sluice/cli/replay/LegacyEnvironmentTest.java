package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The old tool's variables are read once, in the CLI, as defaults and caps. */
class LegacyEnvironmentTest {
    private static GovernorConfig governor(Mode mode, Map<String, String> env, int connections) {
        return LegacyEnvironment.from(env).applyTo(GovernorConfig.builder().mode(mode), connections,
                GovernorConfig.DEFAULT_MAX_BATCH).build();
    }

    @Test
    void theBatchAndConcurrencyCapEveryModeAndMakeTheFixedProfile() {
        Map<String, String> env = Map.of("BACKFILL_BATCH_SIZE", "25", "BACKFILL_BATCH_DELAY_MS", "500",
                "BACKFILL_MAX_CONCURRENT", "3", "BACKFILL_DB_POOL_SIZE", "", "BACKFILL_DAYS", "2");
        GovernorConfig background = governor(Mode.BACKGROUND, env, 8);
        assertThat(background.maxBatch()).isEqualTo(25);
        assertThat(background.initialBatch()).isEqualTo(25);
        assertThat(background.maxConcurrency()).isEqualTo(3);
        GovernorConfig fixed = governor(Mode.FIXED, env, 8);
        assertThat(fixed.fixedBatch()).isEqualTo(25);
        assertThat(fixed.fixedDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(fixed.fixedConcurrency()).isEqualTo(3);
        assertThat(fixed.fixedRate()).isEqualTo(50.0);
        assertThat(LegacyEnvironment.from(env).days()).hasValue(2);
        assertThat(LegacyEnvironment.from(env).dbPoolSize()).isEmpty();
    }

    @Test
    void withoutTheVariablesNothingChanges() {
        GovernorConfig g = governor(Mode.BACKGROUND, Map.of(), 8);
        assertThat(g).isEqualTo(GovernorConfig.builder().maxConcurrency(8).build());
    }

    private static ReplayRun.Plan plan(Map<String, String> env, String... flags) {
        ReplayFileCommand cmd = new ReplayFileCommand();
        String[] args = new String[flags.length + 1];
        args[0] = "events.ndjson";
        System.arraycopy(flags, 0, args, 1, flags.length);
        new CommandLine(cmd).parseArgs(args);
        return ReplayRun.plan(cmd.options, env, new FakeClock());
    }

    @Test
    void aFlagWinsOverTheVariableThatIsItsDefault() {
        Map<String, String> env = Map.of("BACKFILL_DB_POOL_SIZE", "2", "BACKFILL_MAX_MEMORY_MB", "16",
                "BACKFILL_DAYS", "3");
        String pg = "postgresql://u@db.example/sluice";
        ReplayRun.Plan defaults = plan(env, "--db", pg);
        assertThat(defaults.governor().maxConcurrency()).isEqualTo(2);
        assertThat(defaults.replay().maxBytesInFlight()).isEqualTo(16L << 20);
        FakeClock clock = new FakeClock();
        assertThat(defaults.replay().subscription().cursorUs().getAsLong())
                .isEqualTo(clock.epochMillis() * 1000 - Duration.ofDays(3).toNanos() / 1000);

        ReplayRun.Plan flags = plan(env, "--db", pg, "--max-db-connections", "6", "--max-bytes-in-flight", "1MiB",
                "--since", "1h", "--db-retry-for", "30s");
        assertThat(flags.governor().maxConcurrency()).isEqualTo(6);
        assertThat(flags.replay().maxBytesInFlight()).isEqualTo(1L << 20);
        assertThat(flags.dbRetryFor()).isEqualTo(Duration.ofSeconds(30));
        // BACKFILL_MAX_CONCURRENT is a cap, whatever the flag
        assertThat(plan(Map.of("BACKFILL_MAX_CONCURRENT", "4"), "--db", pg, "--max-db-connections", "6").governor()
                .maxConcurrency()).isEqualTo(4);
    }

    @Test
    void aBadValueNamesTheVariable() {
        assertThatThrownBy(() -> LegacyEnvironment.from(Map.of("BACKFILL_BATCH_SIZE", "lots")))
                .hasMessage("BACKFILL_BATCH_SIZE must be a whole number in 1..1000000, was 'lots'");
        assertThatThrownBy(() -> LegacyEnvironment.from(Map.of("BACKFILL_DB_POOL_SIZE", "0")))
                .hasMessage("BACKFILL_DB_POOL_SIZE must be a whole number in 1..1024, was '0'");
        assertThatThrownBy(() -> LegacyEnvironment.from(Map.of("BACKFILL_USE_IDLE", "sometimes")))
                .hasMessage("BACKFILL_USE_IDLE must be true or false, was 'sometimes'");
    }

    @Test
    void useIdleIsTheDefaultOfTheCpuPriority() {
        String pg = "postgresql://u@db.example/sluice";
        assertThat(plan(Map.of(), "--db", pg).cpuPriority()).isEqualTo(CpuPriority.IDLE); // background's own
        assertThat(plan(Map.of("BACKFILL_USE_IDLE", "false"), "--db", pg).cpuPriority())
                .isEqualTo(CpuPriority.NORMAL);
        assertThat(plan(Map.of("BACKFILL_USE_IDLE", "true"), "--db", pg, "--mode", "fast").cpuPriority())
                .isEqualTo(CpuPriority.IDLE);
        assertThat(plan(Map.of("BACKFILL_USE_IDLE", "true"), "--db", pg, "--cpu-priority", "normal").cpuPriority())
                .isEqualTo(CpuPriority.NORMAL);
    }
}
