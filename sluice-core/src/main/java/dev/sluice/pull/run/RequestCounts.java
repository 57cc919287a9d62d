package dev.sluice.pull.run;

import java.util.concurrent.atomic.LongAdder;

/** Counts of one kind of request (events, nested lists, re-reads), fed by a {@link RetryingRequests} view. */
public final class RequestCounts implements RetryingRequests.Tally {
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder transportErrors = new LongAdder();

    @Override
    public void sent(boolean retry) {
        requests.increment();
        if (retry) {
            retries.increment();
        }
    }

    @Override
    public void answered(long nanos) {
        answered.increment();
    }

    @Override
    public void throttled() {
        throttled.increment();
    }

    @Override
    public void serverError() {
        serverErrors.increment();
    }

    @Override
    public void transportError() {
        transportErrors.increment();
    }

    public Snapshot snapshot() {
        return new Snapshot(requests.sum(), retries.sum(), answered.sum(), throttled.sum(), serverErrors.sum(),
                transportErrors.sum());
    }

    /**
     * @param requests every attempt sent, retries included (each took a limiter token)
     * @param retries  attempts that repeated a failed one
     * @param answered attempts answered successfully
     */
    public record Snapshot(long requests, long retries, long answered, long throttled, long serverErrors,
            long transportErrors) {
        /** Both counts summed. */
        public Snapshot plus(Snapshot o) {
            return new Snapshot(requests + o.requests, retries + o.retries, answered + o.answered,
                    throttled + o.throttled, serverErrors + o.serverErrors, transportErrors + o.transportErrors);
        }
    }
}
