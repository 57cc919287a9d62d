package dev.sluice.cli.replay;

import dev.sluice.replay.govern.GovernorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The old firehose-backfill tool's variables, read once, here, and nowhere else. Each is a default or a cap of a
 * {@code sluice replay} setting:
 * <ul>
 *   <li>{@code BACKFILL_DAYS}: the default of {@code --since} (in days);</li>
 *   <li>{@code BACKFILL_MAX_MEMORY_MB}: the default of {@code --max-bytes-in-flight} (a bound on event bytes, not on
 *       the heap);</li>
 *   <li>{@code BACKFILL_DB_POOL_SIZE}: the default of {@code --max-db-connections};</li>
 *   <li>{@code BACKFILL_BATCH_SIZE}: caps the batch in every mode, and is the batch of {@code --throttle fixed};</li>
 *   <li>{@code BACKFILL_MAX_CONCURRENT}: caps concurrent commits in every mode, and is the concurrency of
 *       {@code --throttle fixed};</li>
 *   <li>{@code BACKFILL_BATCH_DELAY_MS}: the delay of {@code --throttle fixed} only (the governor sets its own
 *       pace);</li>
 *   <li>{@code BACKFILL_USE_IDLE} ({@code true}/{@code false}): the default of {@code --cpu-priority}, {@code idle}
 *       or {@code normal}, in place of the mode's.</li>
 * </ul>
 */
public record LegacyEnvironment(Optional<Integer> days, Optional<Integer> maxMemoryMb, Optional<Integer> dbPoolSize,
                         Optional<Integer> batchSize, Optional<Integer> maxConcurrent,
                         Optional<Integer> batchDelayMs, Optional<Boolean> useIdle) {

    /** Reads the variables from {@code env}; unset or blank ones are absent. */
    public static LegacyEnvironment from(Map<String, String> env) {
        return new LegacyEnvironment(
                positive(env, "BACKFILL_DAYS", 1, 36_500),
                positive(env, "BACKFILL_MAX_MEMORY_MB", 1, 1 << 20),
                positive(env, "BACKFILL_DB_POOL_SIZE", 1, GovernorConfig.MAX_CONCURRENCY_LIMIT),
                positive(env, "BACKFILL_BATCH_SIZE", 1, GovernorConfig.MAX_BATCH_LIMIT),
                positive(env, "BACKFILL_MAX_CONCURRENT", 1, GovernorConfig.MAX_CONCURRENCY_LIMIT),
                positive(env, "BACKFILL_BATCH_DELAY_MS", 0, Integer.MAX_VALUE),
                yesOrNo(env, "BACKFILL_USE_IDLE"));
    }

    /** Applies the caps and the fixed profile to {@code g}; the caller has set the flags' values already. */
    public GovernorConfig.Builder applyTo(GovernorConfig.Builder g, int maxConcurrency, int maxBatch) {
        int concurrency = maxConcurrent.map(c -> Math.min(c, maxConcurrency)).orElse(maxConcurrency);
        g.maxConcurrency(concurrency).maxBatch(batchSize.map(b -> Math.min(b, maxBatch)).orElse(maxBatch));
        batchSize.ifPresent(g::fixedBatch);
        maxConcurrent.ifPresent(g::fixedConcurrency);
        batchDelayMs.ifPresent(ms -> g.fixedDelay(Duration.ofMillis(ms)));
        return g;
    }

    private static Optional<Boolean> yesOrNo(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> Optional.of(true);
            case "false", "0", "no" -> Optional.of(false);
            default -> throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
        };
    }

    private static Optional<Integer> positive(Map<String, String> env, String name, int min, int max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a whole number in " + min + ".." + max + ", was '" + v
                + "'");
    }
}
