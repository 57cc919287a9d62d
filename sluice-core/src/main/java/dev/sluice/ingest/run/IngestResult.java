package dev.sluice.ingest.run;

import dev.sluice.ingest.Batch;

/**
 * What one stream of items achieved, and its batch's state after it.
 *
 * @param batch         the batch as it is after the stream
 * @param accepted      items this stream stored with their payload (inline or offloaded)
 * @param deduplicated  items whose index was stored already (by an earlier stream, a racing one, or earlier in
 *                      this one); every line of a stream sent to a sealed batch
 * @param failed        items this stream stored as failed ({@code PAYLOAD_TOO_LARGE}), at their index
 * @param sealedNow     this stream's seal was the one that sealed the batch
 * @param enqueuedCount items the batch holds now, failed ones included
 */
public record IngestResult(Batch batch, long accepted, long deduplicated, long failed, boolean sealedNow,
        long enqueuedCount) {

    /** Whether the batch is sealed now (by this stream or another). */
    public boolean sealed() {
        return batch.sealed();
    }
}
