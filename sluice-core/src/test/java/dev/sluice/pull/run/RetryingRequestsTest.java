package dev.sluice.pull.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceException.Kind;
import dev.sluice.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one retry loop: tokens per attempt, retries only of retryable failures, counts per view. */
class RetryingRequestsTest {
    private final FakeClock clock = new FakeClock();

    /** Records what a view was told, in order. */
    static final class Recording implements RetryingRequests.Tally {
        final List<String> events = new ArrayList<>();

        @Override
        public void sent(boolean retry) {
            events.add(retry ? "retry" : "sent");
        }

        @Override
        public void answered(long nanos) {
            events.add("answered");
        }

        @Override
        public void throttled() {
            events.add("429");
        }

        @Override
        public void serverError() {
            events.add("5xx");
        }

        @Override
        public void transportError() {
            events.add("transport");
        }
    }

    private RetryingRequests requests(RateLimiter limiter, RetryingRequests.Tally tally) {
        return new RetryingRequests(limiter, new Backoff(4, Duration.ofMillis(10), Duration.ofMillis(100)), clock, 1,
                tally);
    }

    @Test
    void retryableFailuresAreRetriedUntilAnAnswerAndEachAttemptIsCounted() throws Exception {
        Recording tally = new Recording();
        var limiter = new RateLimiter(RateLimiter.Config.ofRate(10), clock);
        AtomicInteger calls = new AtomicInteger();
        String answer = requests(limiter, tally).send("GET /x", () -> switch (calls.incrementAndGet()) {
            case 1 -> throw new SourceException(Kind.RATE_LIMITED, 429, "slow down", Duration.ofSeconds(2), null);
            case 2 -> throw new SourceException(Kind.SERVER_ERROR, 500, "oops");
            case 3 -> throw new SourceException(Kind.TRANSPORT, 0, "dropped");
            default -> "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(tally.events).containsExactly("sent", "429", "retry", "5xx", "retry", "transport", "retry",
                "answered");
        assertThat(limiter.throttles()).isEqualTo(1);
        // The 429's Retry-After is a floor under the wait before the second attempt.
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(1_000_000_000L + Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aClientErrorIsNotRetriedAndTheFailureNamesTheRequest() {
        Recording tally = new Recording();
        var limiter = new RateLimiter(RateLimiter.Config.ofRate(10), clock);
        assertThatThrownBy(() -> requests(limiter, tally).send("GET /v1/invoices/in_1/lines", () -> {
            throw new SourceException(Kind.CLIENT_ERROR, 404, "No such invoice");
        })).isInstanceOf(FetchFailure.class)
                .hasMessage("GET /v1/invoices/in_1/lines: the API refused the request: No such invoice")
                .satisfies(e -> assertThat(((FetchFailure) e).last().status()).isEqualTo(404));
        assertThat(tally.events).containsExactly("sent");
    }

    @Test
    void retriesStopAfterTheLastAllowedAttempt() {
        var limiter = new RateLimiter(RateLimiter.Config.ofRate(10), clock);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> requests(limiter, RetryingRequests.NO_TALLY).send("GET /y", () -> {
            calls.incrementAndGet();
            throw new SourceException(Kind.SERVER_ERROR, 503, "unavailable");
        })).hasMessage("GET /y: gave up after 4 attempts; last error: unavailable");
        assertThat(calls).hasValue(4);
    }

    @Test
    void viewsShareOneLimiterButCountApart() throws Exception {
        var limiter = new RateLimiter(RateLimiter.Config.ofRate(10), clock);
        Recording lists = new Recording();
        Recording nested = new Recording();
        RetryingRequests base = requests(limiter, lists);
        RetryingRequests other = base.tallying(nested);
        long start = clock.nanoTime();
        for (int i = 0; i < 5; i++) {
            base.send("a", () -> 1);
            other.send("b", () -> 2);
        }
        // Ten requests at 10/s: the tenth starts 0.9 s after the first, whichever view sent it.
        assertThat(clock.nanoTime() - start).isGreaterThanOrEqualTo(900_000_000L);
        assertThat(lists.events).hasSize(10);
        assertThat(nested.events).hasSize(10);
        assertThat(other.limiter()).isSameAs(limiter);
    }
}
