package dev.sluice.sync;

import dev.sluice.time.TimeRange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where changes land: one table per (namespace, stream) with a {@code deleted} flag, the ids of the events applied,
 * and each job's events cursor — written together.
 *
 * <p>Duties of an implementation:
 * <ul>
 * <li>{@link #apply} is one transaction, all or nothing. In it: each change that came from an event records that
 * event's id as applied, and a change whose event is already recorded is dropped (a duplicate); the objects touched
 * are locked against every other writer, absent ones included, before their stored state is read; each object's
 * changes are folded with {@link dev.sluice.sync.rule.ObjectFold#fold} in the order given, its re-read copy last,
 * and the outcome is written; the cursor, when given, is advanced. The cursor is written in one place, so it can
 * grow a lease check.</li>
 * <li>A deleted object stays deleted: as a row with {@code deleted = true} and its last data
 * ({@link DeletionMode#TOMBSTONE}), or removed and remembered ({@link DeletionMode#REMOVE}); nothing — an event, a
 * re-read, a list page — brings it back.</li>
 * <li>{@link #stored} reads without locks; it is a hint for the caller's pre-transaction decisions only.</li>
 * </ul>
 * Calls may come from several threads (a webhook endpoint beside a poller).
 */
public interface ChangeSink extends AutoCloseable {

    /**
     * One transaction's worth of changes.
     *
     * @param namespace where the tables are
     * @param deletes   how deletions are written (the namespace's recorded mode)
     * @param changes   oldest first; several of one object are folded in this order
     * @param rereads   copies fetched after every change, by {@link Change#key()}; applied last
     * @param cursor    the cursor to advance with them, or null (a pushed event)
     */
    record Commit(String namespace, DeletionMode deletes, List<Change> changes, Map<String, Change> rereads,
            CursorAdvance cursor) {
        public Commit {
            changes = List.copyOf(changes);
            rereads = Map.copyOf(rereads);
        }
    }

    /** The job's cursor after a commit, and the streams it covers. */
    record CursorAdvance(String job, String account, long second, List<String> streams) {
        public CursorAdvance {
            streams = List.copyOf(streams);
        }
    }

    /** What a commit did. */
    record Applied(int applied, int skipped, int duplicates) {
    }

    /** Creates the table of {@code namespace.stream} if absent, and adds the {@code deleted} column to an older one. */
    void prepare(String namespace, String stream);

    /**
     * The namespace's deletion mode: {@code requested} is recorded on first use; null means the recorded one (or
     * {@link DeletionMode#TOMBSTONE} when none is).
     *
     * @throws IllegalArgumentException when {@code requested} differs from the recorded mode (the message says how
     *                                  to change it)
     */
    DeletionMode deletionMode(String namespace, DeletionMode requested);

    Optional<SyncState> state(String job, String account);

    /** Forgets the job's sync state and checkpoints ({@code --restart}); its next run starts with a backfill. */
    void forget(String job, String account);

    /**
     * Starts a backfill of {@code state.backfilling()}: writes {@code state} (phase {@link SyncState.Phase#BACKFILL})
     * and forgets the job's checkpoints of those streams, in one transaction, so the backfill starts fresh.
     */
    void beginBackfill(SyncState state);

    /**
     * Ends the backfill {@code state} describes, in one transaction: in each listed stream, rows with {@code created}
     * in its range, written before the backfill began and not written since become deletions (the listing did not
     * see them again); the state moves to {@link SyncState.Phase#EVENTS} with its streams joined by the backfilled
     * ones. Returns how many rows became deletions.
     */
    long finishBackfill(SyncState state, Map<String, TimeRange> listed, DeletionMode deletes);

    /** What is stored for these ids of one stream (remembered deletions included); absent ids are left out. */
    Map<String, Stored> stored(String namespace, String stream, Collection<String> ids);

    /** Which of these event ids are recorded as applied in the namespace. */
    Set<String> applied(String namespace, Collection<String> eventIds);

    Applied apply(Commit commit);

    /** Forgets applied event ids created before {@code second}; returns how many. */
    long pruneApplied(String namespace, long second);

    @Override
    void close();
}
