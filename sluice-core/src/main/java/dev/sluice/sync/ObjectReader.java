package dev.sluice.sync;

import dev.sluice.pull.SourceException;

/**
 * Reads one object again by id (Stripe: {@code GET /v1/<resource>/<id>}), to settle a tie the version rule cannot.
 *
 * <p>Duties of an implementation: one attempt per call, as {@link dev.sluice.pull.ListSource}; the runner takes the
 * limiter's token and retries. An object the source no longer has (deleted) is answered as
 * {@link Change#gone}, not as a failure; a copy as {@link Change#copy} with its receipt time as version.
 */
public interface ObjectReader {
    Change read(String stream, String id) throws SourceException, InterruptedException;
}
