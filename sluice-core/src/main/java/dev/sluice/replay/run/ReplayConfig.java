package dev.sluice.replay.run;

import dev.sluice.replay.Subscription;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One replay run's settings.
 *
 * @param job               names the checkpoint; a second run of the same job resumes where the first stopped
 * @param subscription      what to read; its cursor is where a job with no checkpoint starts
 * @param untilUs           stop once every event below this cursor is applied ("caught up"); empty = follow live
 *                          for ever
 * @param restart           ignore (and clear) the job's checkpoint, starting from the subscription's cursor
 * @param maxBytesInFlight  bound on the bytes of events received and not yet committed (the batch being formed and
 *                          every batch in flight); the source's own buffer is bounded separately
 * @param maxBatchBytes     a batch is dispatched once it holds this many bytes, whatever the governor's batch size
 * @param linger            a partly filled batch is dispatched after waiting this long for more events
 * @param idleStop          without {@code --follow}: a source that is silent this long after {@code untilUs} has
 *                          passed on the wall clock is taken as caught up
 * @param gapTolerance      a first event this far past the requested cursor is reported as a gap (the source
 *                          clamped the cursor: events were lost before it)
 * @param maxApplyAttempts  attempts at committing one batch before the run fails (deadlocks, dropped connections)
 */
public record ReplayConfig(String job, Subscription subscription, OptionalLong untilUs, boolean restart,
                           long maxBytesInFlight, long maxBatchBytes, Duration linger, Duration idleStop,
                           Duration gapTolerance, int maxApplyAttempts) {
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L << 20;

    public ReplayConfig {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(untilUs, "untilUs");
        if (maxBytesInFlight < 1 << 16) {
            throw new IllegalArgumentException("--max-bytes-in-flight must be at least 64KiB, was " + maxBytesInFlight);
        }
        if (maxBatchBytes < 1 || maxBatchBytes > maxBytesInFlight) {
            throw new IllegalArgumentException("max batch bytes must be in [1, --max-bytes-in-flight], was "
                    + maxBatchBytes);
        }
        if (maxApplyAttempts < 1) {
            throw new IllegalArgumentException("maxApplyAttempts must be >= 1, was " + maxApplyAttempts);
        }
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(idleStop, "idleStop");
        Objects.requireNonNull(gapTolerance, "gapTolerance");
    }

    /** The usual settings: 64 MiB in flight, batches of at most a quarter of it, 50 ms linger. */
    public static ReplayConfig of(String job, Subscription subscription, OptionalLong untilUs) {
        return new ReplayConfig(job, subscription, untilUs, false, DEFAULT_MAX_BYTES_IN_FLIGHT,
                DEFAULT_MAX_BYTES_IN_FLIGHT / 4, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(10),
                5);
    }

    public ReplayConfig withRestart(boolean r) {
        return new ReplayConfig(job, subscription, untilUs, r, maxBytesInFlight, maxBatchBytes, linger, idleStop,
                gapTolerance, maxApplyAttempts);
    }

    public ReplayConfig withMaxBytesInFlight(long bytes) {
        return new ReplayConfig(job, subscription, untilUs, restart, bytes, Math.min(maxBatchBytes, Math.max(1,
                bytes / 4)), linger, idleStop, gapTolerance, maxApplyAttempts);
    }

    public ReplayConfig withIdleStop(Duration d) {
        return new ReplayConfig(job, subscription, untilUs, restart, maxBytesInFlight, maxBatchBytes, linger, d,
                gapTolerance, maxApplyAttempts);
    }
}
