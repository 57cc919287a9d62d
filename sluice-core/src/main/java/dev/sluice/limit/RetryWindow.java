package dev.sluice.limit;

import dev.sluice.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out an outage of a dependency (the database): an operation that fails with a failure the classifier calls
 * transient — a lost connection, a server shutting down or not yet accepting connections, a serialization or
 * deadlock abort, a busy file — is tried again, with backoff, until it succeeds or the outage has lasted
 * {@link Config#retryFor()}.
 *
 * <p>What must stay true:
 * <ul>
 *   <li>Only transient failures are retried. Any other failure reaches the caller at once, unchanged.</li>
 *   <li>The window belongs to the outage, not to one call: every caller shares one outage, which begins at the first
 *       transient failure and ends at the first success after it. A caller gives up once the outage is older than
 *       {@code retryFor}, however recently it joined, so concurrent callers give up together.</li>
 *   <li>One log line when an outage begins, one when it ends, however many callers wait through it.</li>
 *   <li>Every wait goes through the injected {@link Clock}, so tests of an outage run without sleeping.</li>
 * </ul>
 *
 * <p>Duties of the caller: an operation is tried again whole, so it must be safe to repeat — a transaction whose
 * commit was acknowledged before the connection dropped may run twice (version-guarded upserts and checkpoints that
 * only move forward make that harmless). Policy (how long, how fast) is in {@link Config}; what is transient is the
 * classifier's, which the store supplies.
 */
public final class RetryWindow {
    private static final Logger LOG = LoggerFactory.getLogger(RetryWindow.class);
    private static final long NO_OUTAGE = Long.MIN_VALUE;

    /**
     * How long to ride out an outage and how often to try meanwhile. Immutable; {@link #builder()} or
     * {@link #ofDefaults()}.
     *
     * @param retryFor    {@code --db-retry-for}: the longest outage ridden out; zero retries nothing
     * @param backoffBase the ceiling of the first wait (full jitter, doubling)
     * @param backoffMax  the ceiling of every wait
     */
    public record Config(Duration retryFor, Duration backoffBase, Duration backoffMax) {
        public Config {
            check(retryFor != null && !retryFor.isNegative(), "--db-retry-for must be 0 or more, was " + retryFor);
            check(backoffBase != null && !backoffBase.isNegative() && !backoffBase.isZero(),
                    "backoffBase must be positive, was " + backoffBase);
            check(backoffMax != null && backoffMax.compareTo(backoffBase) >= 0,
                    "backoffMax must be at least backoffBase, was " + backoffMax);
        }

        /** Rides out two minutes, trying at jittered waits from 100 ms doubling up to 5 s. */
        public static Config ofDefaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        public static final class Builder {
            private Duration retryFor = Duration.ofMinutes(2);
            private Duration backoffBase = Duration.ofMillis(100);
            private Duration backoffMax = Duration.ofSeconds(5);

            private Builder() {
            }

            public Builder retryFor(Duration d) {
                this.retryFor = d;
                return this;
            }

            public Builder backoffBase(Duration d) {
                this.backoffBase = d;
                return this;
            }

            public Builder backoffMax(Duration d) {
                this.backoffMax = d;
                return this;
            }

            public Config build() {
                return new Config(retryFor, backoffBase, backoffMax);
            }
        }
    }

    /** The outage lasted longer than the window; the cause is the last failure. */
    public static final class OutageTooLong extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutageTooLong(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Config config;
    private final Predicate<Throwable> isTransient;
    private final String dependency;
    private final Clock clock;
    private final Backoff backoff;
    private final SplittableRandom seeds = new SplittableRandom();
    private long outageSince = NO_OUTAGE; // guarded by this

    /**
     * @param isTransient says which failures may go away by themselves (the store's classifier)
     * @param dependency  what is waited for, as log lines and messages name it ("the database postgresql://…")
     */
    public RetryWindow(Config config, Predicate<Throwable> isTransient, String dependency, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
        this.dependency = Objects.requireNonNull(dependency, "dependency");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = new Backoff(Integer.MAX_VALUE, config.backoffBase(), config.backoffMax());
    }

    /** Retries nothing: every failure reaches the caller at once (engine tests, and {@code --db-retry-for 0}). */
    public static RetryWindow none(Clock clock) {
        return new RetryWindow(Config.builder().retryFor(Duration.ZERO).build(), t -> false, "the store", clock);
    }

    public Config config() {
        return config;
    }

    /** Runs {@code operation}, riding out transient failures as the class describes. */
    public <T> T call(Supplier<T> operation) throws InterruptedException {
        return call(operation, failure -> { });
    }

    /**
     * Runs {@code operation}; {@code onFailure} hears of every failed attempt, retried or not (a governor that
     * counts failed commits, say).
     *
     * @throws OutageTooLong when the outage outlasts the window; what the operation threw is its cause
     * @throws RuntimeException what the operation threw, at once, when it is not transient
     */
    public <T> T call(Supplier<T> operation, Consumer<RuntimeException> onFailure) throws InterruptedException {
        SplittableRandom random;
        synchronized (seeds) {
            random = seeds.split();
        }
        for (int attempt = 1; ; attempt++) {
            long started = clock.nanoTime();
            T result;
            try {
                result = operation.get();
            } catch (RuntimeException e) {
                onFailure.accept(e);
                if (!isTransient.test(e)) {
                    throw e;
                }
                if (config.retryFor().isZero()) {
                    throw new OutageTooLong(capitalized(dependency) + " is unavailable, and --db-retry-for 0 rides"
                            + " out nothing: " + e.getMessage(), e);
                }
                long now = clock.nanoTime();
                long since = outageBegins(now, e);
                long left = since + config.retryFor().toNanos() - now;
                if (left <= 0) {
                    throw new OutageTooLong(capitalized(dependency) + " has been unavailable for "
                            + seconds(now - since) + " s, longer than --db-retry-for " + human(config.retryFor())
                            + ": " + e.getMessage(), e);
                }
                clock.sleepNanos(Math.min(left, Math.max(1, backoff.delayNanos(attempt, null, random))));
                continue;
            }
            outageEnds(started);
            return result;
        }
    }

    private synchronized long outageBegins(long now, RuntimeException cause) {
        if (outageSince == NO_OUTAGE) {
            outageSince = now;
            LOG.warn("{} is unavailable ({}); retrying for up to {}", dependency, cause.getMessage(),
                    human(config.retryFor()));
        }
        return outageSince;
    }

    /** A success ends the outage only if its attempt began after the outage did: an earlier one proves nothing. */
    private synchronized void outageEnds(long attemptStarted) {
        if (outageSince != NO_OUTAGE && attemptStarted >= outageSince) {
            // WARN like the line that opened the outage: whoever saw that one must see it closed
            LOG.warn("{} is back after {} s", dependency, seconds(clock.nanoTime() - outageSince));
            outageSince = NO_OUTAGE;
        }
    }

    /** {@code 2m}, {@code 90s} → {@code 1m30s}, {@code 500ms}: as the flag is written. */
    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            b.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || b.isEmpty()) {
            b.append(s).append('s');
        }
        return b.toString();
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
