package dev.sluice.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * A push-ingest batch: a client announced {@code expectedCount} items and streams them by index; the batch seals
 * once every index in {@code [0, expectedCount)} is stored (as an item or a failed item), exactly once.
 *
 * @param owner          who created it (an API key's id); another owner sees it as unknown
 * @param idempotencyKey the client's key for the create call, or null; unique per owner
 * @param metadata       the client's JSON object, as text, or null
 * @param sealedAt       when it sealed, or null
 */
public record Batch(String id, String owner, long expectedCount, String idempotencyKey, String metadata,
        Instant createdAt, Status status, Instant sealedAt) {

    public enum Status {
        OPEN, SEALED, EXPIRED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        if (expectedCount < 1) {
            throw new IllegalArgumentException("expectedCount must be >= 1, was " + expectedCount);
        }
    }

    public boolean sealed() {
        return status == Status.SEALED;
    }
}
