package dev.sluice.store.internal;

import dev.sluice.replay.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * The SQL that applies a {@link ReplayBatch} inside the caller's transaction, one implementation per database
 * ({@link Dialect#replayStatements}).
 * Each method takes one list of a batch (distinct keys, in key order) and returns how many of its events changed
 * stored state; the rest were not newer than what is stored.
 *
 * <p>What every implementation keeps true, per record key: the live row's rev is greater than the tombstone's rev
 * (a create or update is written only above the tombstone, a delete removes only older rows), and the tombstone
 * holds the greatest delete rev written to it.
 */
public interface ReplayStatements {
    /** Runs first in every apply transaction, before the statements below. */
    void begin(Connection c) throws SQLException;

    /**
     * Creates and updates: a row is written when its rev is greater than the stored row's and than the tombstone's.
     * Counted: rows inserted or replaced.
     */
    int upsertRecords(Connection c, List<Event> upserts) throws SQLException;

    /**
     * Deletes: the stored row goes if its rev is older; the tombstone rises to the delete's rev if that is newer.
     * Counted: deletes that raised the tombstone and found no row of equal or newer rev (the delete is now the
     * key's latest state and was not before).
     */
    int deleteRecords(Connection c, List<Event> deletes) throws SQLException;

    /** Identity events: a row is written when its seq is greater than the stored one. Counted: rows written. */
    int upsertIdentities(Connection c, List<Event> identities) throws SQLException;

    /** Account events: a row is written when its seq is greater than the stored one. Counted: rows written. */
    int upsertAccounts(Connection c, List<Event> accounts) throws SQLException;

    /**
     * Creates and updates of keys the caller knows are stored nowhere (no row and no tombstone, in any transaction):
     * inserted with no rev, tombstone or conflict check, by {@link #load}, the fastest way the database has. Should
     * the caller be wrong (a key is stored after all: another writer), the load fails on the primary key, is rolled
     * back to a savepoint taken before it, and the rows take {@link #upsertRecords} instead: the result is the same,
     * only slower. Counted: rows written.
     */
    default int insertFresh(Connection c, List<Event> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        Savepoint before = c.setSavepoint();
        try {
            long loaded = load(c, rows);
            c.releaseSavepoint(before);
            return Math.toIntExact(loaded);
        } catch (SQLException e) {
            if (!uniqueViolation(e)) {
                throw e;
            }
            c.rollback(before);
            return upsertRecords(c, rows);
        }
    }

    /** Whether {@code e} is this database's refusal of a second row for one primary key. */
    boolean uniqueViolation(SQLException e);

    /**
     * Loads rows into {@code records} as fast as the database allows, with no rev, tombstone or conflict handling:
     * the benchmark's limit. The caller passes creates/updates with distinct keys not yet stored.
     */
    long load(Connection c, Iterable<Event> rows) throws SQLException;
}
