package dev.sluice.pull.run;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one backfill run, updated from many threads and read by progress displays at any time. */
public final class BackfillStats {
    final LongAdder requests = new LongAdder();
    final LongAdder pages = new LongAdder();
    final LongAdder objects = new LongAdder();
    final LongAdder wasted = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder serverErrors = new LongAdder();
    final LongAdder transportErrors = new LongAdder();
    final LongAdder retries = new LongAdder();
    volatile int segmentsLive;
    volatile int inFlight;
    volatile double rate;
    volatile double latencySeconds = Double.NaN;
    volatile long estimatedRemaining;

    /** Counts list-page attempts here and feeds the latency estimate that sizes the requests in flight. */
    RetryingRequests.Tally pageTally(LatencyEstimate latency) {
        return new RetryingRequests.Tally() {
            @Override
            public void sent(boolean retry) {
                requests.increment();
                if (retry) {
                    retries.increment();
                }
            }

            @Override
            public void answered(long nanos) {
                latency.record(nanos);
                pages.increment();
            }

            @Override
            public void throttled() {
                BackfillStats.this.throttled.increment();
            }

            @Override
            public void serverError() {
                serverErrors.increment();
            }

            @Override
            public void transportError() {
                transportErrors.increment();
            }
        };
    }

    /** A consistent-enough copy for display; counters are read one by one. */
    public Snapshot snapshot() {
        return new Snapshot(requests.sum(), pages.sum(), objects.sum(), wasted.sum(), throttled.sum(),
                serverErrors.sum(), transportErrors.sum(), retries.sum(), segmentsLive, inFlight, rate, latencySeconds,
                estimatedRemaining);
    }

    /**
     * @param requests        every attempt sent, retries included (each took a limiter token)
     * @param pages           attempts answered with a page
     * @param objects         objects committed to the sink
     * @param wasted          pages that brought no new object
     * @param throttled       attempts answered 429
     * @param serverErrors    attempts answered 5xx
     * @param transportErrors attempts that timed out, dropped or came back truncated
     * @param retries         attempts that were a retry of a failed one
     * @param estimatedRemaining objects the planner expects are still unread (a rough guess early on)
     */
    public record Snapshot(long requests, long pages, long objects, long wasted, long throttled, long serverErrors,
            long transportErrors, long retries, int segmentsLive, int inFlight, double rate, double latencySeconds,
            long estimatedRemaining) {
    }
}
