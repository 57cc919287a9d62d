package dev.sluice.pull;

/**
 * How an adapter sends the requests it needs beyond one call of its seam (Stripe: the rest of an invoice's lines,
 * a retrieve by id): each attempt through the engine's one rate limiter and retry loop.
 *
 * <p>Duties of the caller: {@code attempt} makes exactly one request and neither waits nor retries, reporting every
 * failure as a {@link SourceException} whose kind says whether another attempt can succeed (as {@link ListSource}
 * does). Implementations are safe to call from many threads at once.
 */
public interface Requests {
    /** Sends nothing: for a caller with no API at hand (a webhook endpoint without a key); any use is a bug. */
    Requests NONE = new Requests() {
        @Override
        public <T> T send(String what, Attempt<T> attempt) {
            throw new IllegalStateException("no API client to send " + what);
        }
    };

    /** One attempt at a request. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws SourceException, InterruptedException;
    }

    /**
     * Runs {@code attempt} until it succeeds, taking a limiter token before each try.
     *
     * @param what names the request in the failure's message
     * @throws FetchFailure when the API refused the request or every allowed attempt failed
     */
    <T> T send(String what, Attempt<T> attempt) throws FetchFailure, InterruptedException;
}
