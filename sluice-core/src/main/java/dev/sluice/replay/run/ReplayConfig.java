package dev.sluice.replay.run;

import dev.sluice.replay.Subscription;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One replay run's settings. Immutable; build with {@link #builder()} (a job and a subscription are required).
 *
 * @param job               {@code --job}: names the checkpoint; a second run of the same job resumes where the first
 *                          stopped
 * @param subscription      what to read; its cursor is where a job with no checkpoint starts
 * @param untilUs           stop once every event below this cursor is applied ("caught up"); empty = follow live
 *                          for ever ({@code --follow})
 * @param restart           {@code --restart}: ignore (and clear) the job's checkpoint, starting from the
 *                          subscription's cursor
 * @param maxBytesInFlight  {@code --max-bytes-in-flight}: bound on the bytes of events received and not yet committed
 *                          (the batch being formed and every batch in flight); the source's own buffer is bounded
 *                          separately
 * @param maxBatchBytes     a batch is dispatched once it holds this many bytes, whatever the governor's batch size
 * @param linger            a partly filled batch is dispatched after waiting this long for more events
 * @param idleStop          without {@code --follow}: a source that is silent this long after {@code untilUs} has
 *                          passed on the wall clock is taken as caught up
 * @param gapTolerance      a first event this far past the requested cursor is reported as a gap (the source
 *                          clamped the cursor: events were lost before it)
 */
public record ReplayConfig(String job, Subscription subscription, OptionalLong untilUs, boolean restart,
                           long maxBytesInFlight, long maxBatchBytes, Duration linger, Duration idleStop,
                           Duration gapTolerance) {
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L << 20;
    public static final long MIN_MAX_BYTES_IN_FLIGHT = 64L << 10;

    public ReplayConfig {
        if (job == null || !job.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("--job must be 1-100 letters, digits, '.', '_' or '-', was '" + job
                    + "'");
        }
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(untilUs, "untilUs");
        if (maxBytesInFlight < MIN_MAX_BYTES_IN_FLIGHT) {
            throw new IllegalArgumentException("--max-bytes-in-flight must be at least 64KiB, was " + maxBytesInFlight);
        }
        if (maxBatchBytes < 1 || maxBatchBytes > maxBytesInFlight) {
            throw new IllegalArgumentException("maxBatchBytes must be in [1, --max-bytes-in-flight], was "
                    + maxBatchBytes);
        }
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(idleStop, "idleStop");
        Objects.requireNonNull(gapTolerance, "gapTolerance");
    }

    /**
     * Defaults: follow for ever, 64 MiB in flight, batches of at most a quarter of the bytes in flight, 50 ms linger,
     * caught up after 5 s of silence past the end, a gap reported beyond 10 s.
     */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String job;
        private Subscription subscription;
        private OptionalLong untilUs = OptionalLong.empty();
        private boolean restart;
        private long maxBytesInFlight = DEFAULT_MAX_BYTES_IN_FLIGHT;
        private Long maxBatchBytes;
        private Duration linger = Duration.ofMillis(50);
        private Duration idleStop = Duration.ofSeconds(5);
        private Duration gapTolerance = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder job(String j) {
            this.job = j;
            return this;
        }

        public Builder subscription(Subscription s) {
            this.subscription = s;
            return this;
        }

        /** Stop once caught up with this cursor; empty follows for ever. */
        public Builder untilUs(OptionalLong u) {
            this.untilUs = u;
            return this;
        }

        public Builder restart(boolean r) {
            this.restart = r;
            return this;
        }

        public Builder maxBytesInFlight(long bytes) {
            this.maxBytesInFlight = bytes;
            return this;
        }

        /** Unset: a quarter of {@code maxBytesInFlight}. */
        public Builder maxBatchBytes(long bytes) {
            this.maxBatchBytes = bytes;
            return this;
        }

        public Builder linger(Duration d) {
            this.linger = d;
            return this;
        }

        public Builder idleStop(Duration d) {
            this.idleStop = d;
            return this;
        }

        public Builder gapTolerance(Duration d) {
            this.gapTolerance = d;
            return this;
        }

        public ReplayConfig build() {
            return new ReplayConfig(job, subscription, untilUs, restart, maxBytesInFlight,
                    maxBatchBytes != null ? maxBatchBytes : Math.max(1, maxBytesInFlight / 4), linger, idleStop,
                    gapTolerance);
        }
    }
}
