package dev.sluice.pull.run;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.Requests;
import dev.sluice.pull.SourceException;
import dev.sluice.time.Clock;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The one retry loop every request to a rate-limited API goes through — list pages, events, nested lists,
 * re-reads, {@code /v1/account}: every attempt first takes a token from the shared limiter, a 429 cuts the
 * limiter's rate, and a retryable failure waits a jittered backoff (at least the server's {@code Retry-After})
 * before the next attempt.
 *
 * <p>Thread-safe. Build one per run and API; {@link #tallying} gives views that share its limiter, backoff and
 * jitter but count their attempts elsewhere, so each kind of request is reported apart.
 */
public final class RetryingRequests implements Requests {

    /** Where a view counts its attempts; every method is called from the requesting thread. */
    public interface Tally {
        /** An attempt is about to be sent; {@code retry} when it repeats a failed one. */
        default void sent(boolean retry) {
        }

        /** An attempt was answered successfully after {@code nanos}. */
        default void answered(long nanos) {
        }

        /** An attempt was answered 429. */
        default void throttled() {
        }

        /** An attempt was answered 5xx. */
        default void serverError() {
        }

        /** An attempt timed out, dropped or came back truncated. */
        default void transportError() {
        }
    }

    /** Counts nothing. */
    public static final Tally NO_TALLY = new Tally() {
    };

    private final RateLimiter limiter;
    private final Backoff backoff;
    private final Clock clock;
    private final SplittableRandom seedRandom;
    private final Tally tally;

    public RetryingRequests(RateLimiter limiter, Backoff backoff, Clock clock, long seed, Tally tally) {
        this(limiter, backoff, clock, new SplittableRandom(seed), tally);
    }

    private RetryingRequests(RateLimiter limiter, Backoff backoff, Clock clock, SplittableRandom seedRandom,
            Tally tally) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seedRandom = seedRandom;
        this.tally = Objects.requireNonNull(tally, "tally");
    }

    /** The same limiter, backoff and jitter, counting into {@code other}. */
    public RetryingRequests tallying(Tally other) {
        return new RetryingRequests(limiter, backoff, clock, seedRandom, other);
    }

    public RateLimiter limiter() {
        return limiter;
    }

    @Override
    public <T> T send(String what, Attempt<T> attempt) throws FetchFailure, InterruptedException {
        SplittableRandom random;
        synchronized (seedRandom) {
            random = seedRandom.split();
        }
        for (int n = 1; ; n++) {
            limiter.acquire();
            tally.sent(n > 1);
            long start = clock.nanoTime();
            try {
                T answer = attempt.run();
                limiter.onSuccess();
                tally.answered(clock.nanoTime() - start);
                return answer;
            } catch (SourceException e) {
                switch (e.kind()) {
                    case RATE_LIMITED -> {
                        tally.throttled();
                        limiter.onThrottled();
                    }
                    case SERVER_ERROR -> {
                        tally.serverError();
                        limiter.onSuccess(); // an answer the rate limit let through
                    }
                    case TRANSPORT -> tally.transportError();
                    case CLIENT_ERROR -> { }
                }
                if (!e.kind().retryable() || n >= backoff.maxAttempts()) {
                    throw new FetchFailure(what, n, e);
                }
                clock.sleepNanos(backoff.delayNanos(n, e.retryAfter(), random));
            }
        }
    }
}
