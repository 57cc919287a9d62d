package dev.sluice.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable batches and their items.
 *
 * <p>Duties of an implementation: {@link #write} stores a group of items in one transaction, each at most once per
 * (batch, index) — the unique key and the insert are one statement ({@code ON CONFLICT DO NOTHING}), never a
 * separate "mark" and "enqueue" — and only while the batch is open: a write that comes after a seal or an expiry
 * stores nothing and says so ({@link Closed}); {@link #trySeal} is one conditional update that succeeds for exactly
 * one caller, and only when every index in {@code [0, expectedCount)} is stored. All methods are safe to call from
 * many threads and processes at once.
 *
 * <p>Duties of a caller: write only indexes in {@code [0, expectedCount)}; handle both outcomes of {@link #write}
 * (a batch can close between any two calls: another stream completed and sealed it, or it expired); put an
 * offloaded payload in the object store before writing the row that references it.
 */
public interface BatchStore {

    /** The outcome of a create: the batch, and whether this call made it (false: the idempotency key existed). */
    record Created(Batch batch, boolean isNew) {
    }

    /** The outcome of a {@link #write}: the items went in, or the batch was closed and none did. */
    sealed interface WriteResult permits Written, Closed {
    }

    /** The items went in: how many were new, and how many indexes were already stored (or repeated in the call). */
    record Written(int accepted, int deduplicated) implements WriteResult {
    }

    /**
     * The batch was not open, so nothing of the call was stored: {@link Batch.Status#SEALED} (every index is stored
     * already, so the items were duplicates) or {@link Batch.Status#EXPIRED} (its items were deleted).
     */
    record Closed(Batch.Status status) implements WriteResult {
        public Closed {
            if (status == Batch.Status.OPEN) {
                throw new IllegalArgumentException("an open batch is not closed");
            }
        }
    }

    /** Items stored so far, by kind. */
    record Counts(long stored, long failed) {
        public long total() {
            return stored + failed;
        }
    }

    /**
     * Creates a batch, or returns the owner's existing one with the same non-null {@code idempotencyKey}.
     *
     * @param metadataJson a JSON object as text, or null
     */
    Created create(String owner, long expectedCount, String idempotencyKey, String metadataJson);

    Optional<Batch> find(String id);

    /**
     * Stores the items of one batch in one transaction if the batch is open ({@link Written}; indexes already stored
     * are counted, not changed), or nothing if it is sealed or expired ({@link Closed}).
     *
     * @throws IllegalArgumentException if the batch does not exist or an index is not below its expected count;
     *                                  nothing of this call is stored
     */
    WriteResult write(String batchId, List<ItemRecord> items);

    Counts counts(String batchId);

    /** Seals the batch if it is open and complete; true for the one call that sealed it. */
    boolean trySeal(String batchId);

    /** Up to {@code limit} ranges {@code [from, to)} of indexes not stored yet, in order. */
    List<IndexRanges.Range> missing(String batchId, int limit);

    /** Up to {@code limit} items with index greater than {@code after}, in index order. */
    List<ItemRecord> items(String batchId, long after, int limit);

    /**
     * Marks open batches created before {@code createdBefore} expired and deletes their items; returns those batches
     * and the object keys their items referenced, for the caller to delete from the object store.
     */
    Expired expire(Instant createdBefore);

    /**
     * Whether {@code failure}, thrown by this store, means the store is away for now — a database restarting or
     * failing over, a connection lost — rather than that the call was wrong: a server answers 503 and the client
     * sends again later; nothing committed before is lost. The default knows of no such failure.
     */
    default boolean isUnavailable(Throwable failure) {
        return false;
    }

    /**
     * What one {@link #expire} call expired.
     *
     * @param batchIds   the batches now expired, oldest first
     * @param objectKeys the object keys their items referenced
     */
    record Expired(List<String> batchIds, List<String> objectKeys) {
        public Expired {
            batchIds = List.copyOf(batchIds);
            objectKeys = List.copyOf(objectKeys);
        }
    }
}
