package dev.sluice.pull;

/**
 * A cursor-paginated list API over a time range (Stripe's {@code limit / starting_after / created[gte|lt]}).
 *
 * <p>An implementation makes exactly one attempt per call: it neither retries nor waits for a rate limiter, because
 * the engine does both for every request in one place (so retries take limiter tokens too). It reports every
 * failure as a {@link SourceException} whose {@link SourceException.Kind} tells the engine whether to retry.
 * Implementations must be safe to call from many threads at once.
 */
public interface ListSource {
    /** Fetches one page. */
    Page fetch(PageRequest request) throws SourceException, InterruptedException;
}
