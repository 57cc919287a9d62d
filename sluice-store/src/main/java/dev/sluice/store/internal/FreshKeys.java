package dev.sluice.store.internal;

import dev.sluice.replay.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which creates and updates of a replay sink's batches may skip every check and go in by the database's fastest load
 * ({@link ReplayStatements#insertFresh}): those whose key is stored nowhere, neither as a row nor as a tombstone.
 *
 * <p>How it knows: only when the replay tables held no record and no tombstone when the sink first looked
 * ({@link #ifTablesEmpty}; a first replay into new tables) is every key the sink has not written itself certainly
 * absent. It remembers every key it writes, creates and deletes alike, in a {@link KeyFilter}, so a key already written
 * — an update after its create, a re-create after a delete, an event whose rev is older than a later one already
 * applied — goes the checking way ({@link ReplayStatements#upsertRecords}), which decides newest-rev-wins against
 * what is stored. Keys are remembered before the transaction that writes them: a failed and retried batch then checks.
 * On tables that held anything at the start (a resumed run, another job's rows), there is no such knowledge and every
 * row is checked, as before.
 *
 * <p>What this relies on: no other process writes the same tables during the run (two concurrent writers of one key
 * are outside the sink's contract anyway). A key stored after all makes the fast load fail on the primary key, and it
 * falls back to the checks ({@link ReplayStatements#insertFresh}).
 *
 * <p>Thread-safe: the sink's lanes split their batches at once (their keys never overlap; the engine sees to that).
 */
public final class FreshKeys {
    private final KeyFilter written = new KeyFilter();

    private FreshKeys() {}

    /** The rows of one batch's creates and updates that may skip the checks, and the rest, each in key order. */
    public record Split(List<Event> fresh, List<Event> checked) {}

    /** A tracker for a sink whose tables hold no record and no tombstone now; null if they hold any. */
    public static FreshKeys ifTablesEmpty(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM " + ReplaySchema.RECORDS
                + ") AND NOT EXISTS (SELECT 1 FROM " + ReplaySchema.TOMBSTONES + ")");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1) ? new FreshKeys() : null;
        }
    }

    /** Splits {@code batch}'s upserts and remembers every record key of the batch as written. */
    public Split split(ReplayBatch batch) {
        List<Event> fresh = new ArrayList<>(batch.upserts().size());
        List<Event> checked = new ArrayList<>();
        for (Event e : batch.upserts()) {
            Event.Commit m = e.commit();
            if (written.mightContain(e.did(), m.collection(), m.rkey())) {
                checked.add(e);
            } else {
                fresh.add(e);
                written.add(e.did(), m.collection(), m.rkey());
            }
        }
        for (Event e : batch.deletes()) {
            written.add(e.did(), e.commit().collection(), e.commit().rkey());
        }
        return new Split(fresh, checked);
    }
}
