package dev.sluice.pull.run;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one backfill run, updated from many threads and read by progress displays at any time. */
public final class BackfillStats {
    final RequestCounts lists = new RequestCounts();
    final RequestCounts nested = new RequestCounts();
    final LongAdder objects = new LongAdder();
    final LongAdder wasted = new LongAdder();
    final LongAdder partial = new LongAdder();
    final LongAdder segments = new LongAdder();
    volatile int segmentsLive;
    volatile int inFlight;
    volatile double rate;
    volatile double latencySeconds = Double.NaN;
    volatile long estimatedRemaining;

    /** Counts list-page attempts and feeds the latency estimate that sizes the requests in flight. */
    RetryingRequests.Tally pageTally(LatencyEstimate latency) {
        return new RetryingRequests.Tally() {
            @Override
            public void sent(boolean retry) {
                lists.sent(retry);
            }

            @Override
            public void answered(long nanos) {
                latency.record(nanos);
                lists.answered(nanos);
            }

            @Override
            public void throttled() {
                lists.throttled();
            }

            @Override
            public void serverError() {
                lists.serverError();
            }

            @Override
            public void transportError() {
                lists.transportError();
            }
        };
    }

    /** A consistent-enough copy for display; counters are read one by one. */
    public Snapshot snapshot() {
        RequestCounts.Snapshot l = lists.snapshot();
        return new Snapshot(l.requests(), l.answered(), objects.sum(), wasted.sum(), l.throttled(), l.serverErrors(),
                l.transportErrors(), l.retries(), segmentsLive, inFlight, rate, latencySeconds, estimatedRemaining,
                nested.snapshot().requests(), partial.sum(), segments.sum());
    }

    /**
     * @param requests        every list-page attempt sent, retries included (each took a limiter token)
     * @param pages           attempts answered with a page
     * @param objects         objects committed to the sink
     * @param wasted          pages that brought no new object
     * @param throttled       attempts answered 429
     * @param serverErrors    attempts answered 5xx
     * @param transportErrors attempts that timed out, dropped or came back truncated
     * @param retries         attempts that were a retry of a failed one
     * @param estimatedRemaining objects the planner expects are still unread (a rough guess early on)
     * @param nestedRequests  requests completing nested lists (an invoice's lines), counted apart from
     *                        {@code requests}
     * @param partialPages    pages that brought some new objects but fewer than a full page: each stream's last
     *                        page is one, every other is a request a planner with perfect knowledge would not send
     * @param segments        segments the run read from, the probes and every split included
     */
    public record Snapshot(long requests, long pages, long objects, long wasted, long throttled, long serverErrors,
            long transportErrors, long retries, int segmentsLive, int inFlight, double rate, double latencySeconds,
            long estimatedRemaining, long nestedRequests, long partialPages, long segments) {
    }
}
