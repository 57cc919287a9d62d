package dev.sluice.pull.run;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.time.Clock;
import java.util.SplittableRandom;

/**
 * Fetches one page with retries: every attempt first takes a token from the shared limiter, a 429 cuts the
 * limiter's rate, and a retryable failure waits a jittered backoff (at least the server's {@code Retry-After})
 * before the next attempt. Thread-safe; one per run.
 */
final class Fetcher {
    private final ListSource source;
    private final RateLimiter limiter;
    private final Backoff backoff;
    private final Clock clock;
    private final BackfillStats stats;
    private final LatencyEstimate latency;
    private final SplittableRandom seedRandom;

    Fetcher(ListSource source, RateLimiter limiter, Backoff backoff, Clock clock, BackfillStats stats,
            LatencyEstimate latency, long seed) {
        this.source = source;
        this.limiter = limiter;
        this.backoff = backoff;
        this.clock = clock;
        this.stats = stats;
        this.latency = latency;
        this.seedRandom = new SplittableRandom(seed);
    }

    Page fetch(PageRequest request) throws FetchFailure, InterruptedException {
        SplittableRandom random;
        synchronized (seedRandom) {
            random = seedRandom.split();
        }
        for (int attempt = 1; ; attempt++) {
            limiter.acquire();
            stats.requests.increment();
            if (attempt > 1) {
                stats.retries.increment();
            }
            long start = clock.nanoTime();
            try {
                Page page = source.fetch(request);
                limiter.onSuccess();
                latency.record(clock.nanoTime() - start);
                stats.pages.increment();
                return page;
            } catch (SourceException e) {
                switch (e.kind()) {
                    case RATE_LIMITED -> {
                        stats.throttled.increment();
                        limiter.onThrottled();
                    }
                    case SERVER_ERROR -> {
                        stats.serverErrors.increment();
                        limiter.onSuccess(); // an answer the rate limit let through
                    }
                    case TRANSPORT -> stats.transportErrors.increment();
                    case CLIENT_ERROR -> { }
                }
                if (!e.kind().retryable() || attempt >= backoff.maxAttempts()) {
                    throw new FetchFailure(request, attempt, e);
                }
                clock.sleepNanos(backoff.delayNanos(attempt, e.retryAfter(), random));
            }
        }
    }
}
