package dev.sluice.replay;

import java.util.Objects;

/**
 * One firehose event, in Jetstream's shape: a {@code commit} to a record, or a change of a DID's {@code identity}
 * or {@code account}. Exactly one of {@link #commit()}, {@link #identity()} and {@link #account()} is non-null,
 * matching {@link #kind()}.
 *
 * @param did the repository the event is about
 * @param timeUs the firehose cursor of this event, unix microseconds; the checkpoint is expressed in these
 * @param sizeBytes the size of the event as it arrived (its JSON text), which is what bytes-in-flight budgets count
 */
public record Event(String did, long timeUs, Kind kind, Commit commit, Identity identity, Account account,
                    int sizeBytes) {

    public enum Kind { COMMIT, IDENTITY, ACCOUNT }

    public enum Operation { CREATE, UPDATE, DELETE }

    /**
     * A change to one record. {@code rev} is the repository revision (a TID: 13 base32-sortable characters), so
     * revisions of one repository compare as strings; {@code cid} and {@code recordJson} are null on delete.
     */
    public record Commit(String rev, Operation operation, String collection, String rkey, String cid,
                         String recordJson) {
        public Commit {
            Objects.requireNonNull(rev, "rev");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(collection, "collection");
            Objects.requireNonNull(rkey, "rkey");
        }
    }

    /** A handle change; {@code seq} orders the identity events of one DID. */
    public record Identity(String handle, long seq, String time) {}

    /** An account status change; {@code seq} orders the account events of one DID; {@code status} may be null. */
    public record Account(boolean active, String status, long seq, String time) {}

    public Event {
        Objects.requireNonNull(did, "did");
        Objects.requireNonNull(kind, "kind");
        int present = (commit != null ? 1 : 0) + (identity != null ? 1 : 0) + (account != null ? 1 : 0);
        boolean matches = switch (kind) {
            case COMMIT -> commit != null;
            case IDENTITY -> identity != null;
            case ACCOUNT -> account != null;
        };
        if (present != 1 || !matches) {
            throw new IllegalArgumentException("a " + kind + " event must carry exactly its own body");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
        }
    }

    public static Event commit(String did, long timeUs, Commit commit, int sizeBytes) {
        return new Event(did, timeUs, Kind.COMMIT, commit, null, null, sizeBytes);
    }

    public static Event identity(String did, long timeUs, Identity identity, int sizeBytes) {
        return new Event(did, timeUs, Kind.IDENTITY, null, identity, null, sizeBytes);
    }

    public static Event account(String did, long timeUs, Account account, int sizeBytes) {
        return new Event(did, timeUs, Kind.ACCOUNT, null, null, account, sizeBytes);
    }
}
