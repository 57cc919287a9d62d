package dev.sluice.sync.run;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a sync run, built from flags in one place; {@link #ofDefaults()} for Stripe's.
 *
 * @param eventsLag         how far behind now the cursor stays ({@code --events-lag}): the feed is eventually
 *                          consistent, so an event may be listed some seconds after newer ones
 * @param overlap           how far before the cursor each read starts again, for events listed later still;
 *                          events already applied are recognised by id
 * @param retention         how long the feed keeps events ({@code --events-retention})
 * @param pollInterval      the wait between catch-ups with {@code --follow} ({@code --poll-interval})
 * @param onExpired         what a cursor older than the retention does ({@code --on-expired})
 * @param maxEventsInMemory the most events read and not yet applied; a denser window is read in narrower parts
 * @param maxChangesPerCommit the most changes in one transaction
 */
public record SyncConfig(Duration eventsLag, Duration overlap, Duration retention, Duration pollInterval,
        OnExpired onExpired, int maxEventsInMemory, int maxChangesPerCommit) {

    /** What a cursor older than the feed's retention does. */
    public enum OnExpired {
        /** Say so, backfill the job again, and go on with events. */
        REBACKFILL,
        /** Stop with an error naming the job and the cursor's age. */
        FAIL;

        public static OnExpired parse(String text) {
            return switch (text) {
                case "rebackfill" -> REBACKFILL;
                case "fail" -> FAIL;
                default -> throw new IllegalArgumentException("--on-expired must be rebackfill or fail, was '" + text + "'");
            };
        }
    }

    public SyncConfig {
        Objects.requireNonNull(onExpired, "onExpired");
        check(!eventsLag.isNegative(), "--events-lag must not be negative, was " + eventsLag);
        check(!overlap.isNegative(), "overlap must not be negative, was " + overlap);
        check(pollInterval.toMillis() >= 1, "--poll-interval must be positive, was " + pollInterval);
        check(retention.toSeconds() > eventsLag.toSeconds() + overlap.toSeconds() + 1,
                "--events-retention (" + retention + ") must be longer than --events-lag plus the overlap ("
                        + eventsLag.plus(overlap) + ")");
        check(maxEventsInMemory >= 100, "maxEventsInMemory must be at least 100, was " + maxEventsInMemory);
        check(maxChangesPerCommit >= 1, "maxChangesPerCommit must be at least 1, was " + maxChangesPerCommit);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** 30 s behind now, 10 s of overlap, Stripe's 30 days of events, a poll every 10 s, re-backfill on expiry. */
    public static SyncConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code config}'s values. */
    public static Builder from(SyncConfig config) {
        return new Builder().eventsLag(config.eventsLag).overlap(config.overlap).retention(config.retention)
                .pollInterval(config.pollInterval).onExpired(config.onExpired)
                .maxEventsInMemory(config.maxEventsInMemory).maxChangesPerCommit(config.maxChangesPerCommit);
    }

    /** Defaults as field initialisers; {@link #build()} validates. */
    public static final class Builder {
        private Duration eventsLag = Duration.ofSeconds(30);
        private Duration overlap = Duration.ofSeconds(10);
        private Duration retention = Duration.ofDays(30);
        private Duration pollInterval = Duration.ofSeconds(10);
        private OnExpired onExpired = OnExpired.REBACKFILL;
        private int maxEventsInMemory = 10_000;
        private int maxChangesPerCommit = 500;

        private Builder() {
        }

        public Builder eventsLag(Duration d) {
            this.eventsLag = Objects.requireNonNull(d, "eventsLag");
            return this;
        }

        public Builder overlap(Duration d) {
            this.overlap = Objects.requireNonNull(d, "overlap");
            return this;
        }

        public Builder retention(Duration d) {
            this.retention = Objects.requireNonNull(d, "retention");
            return this;
        }

        public Builder pollInterval(Duration d) {
            this.pollInterval = Objects.requireNonNull(d, "pollInterval");
            return this;
        }

        public Builder onExpired(OnExpired o) {
            this.onExpired = o;
            return this;
        }

        public Builder maxEventsInMemory(int n) {
            this.maxEventsInMemory = n;
            return this;
        }

        public Builder maxChangesPerCommit(int n) {
            this.maxChangesPerCommit = n;
            return this;
        }

        public SyncConfig build() {
            return new SyncConfig(eventsLag, overlap, retention, pollInterval, onExpired, maxEventsInMemory,
                    maxChangesPerCommit);
        }
    }
}
