package dev.sluice.store;

import dev.sluice.replay.Event;
import dev.sluice.replay.ReplaySink;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.FreshKeys;
import dev.sluice.store.internal.ReplayBatch;
import dev.sluice.store.internal.ReplayCheckpointRows;
import dev.sluice.store.internal.ReplaySchema;
import dev.sluice.store.internal.ReplayStatements;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A {@link ReplaySink} over a {@link Database}: firehose events applied to {@code records},
 * {@code record_tombstones}, {@code identities} and {@code accounts}, the checkpoint in {@code replay_checkpoints},
 * each {@link #apply} one transaction. The tables have plain names in the database's default schema and are created
 * on first use, under the dialect's DDL lock; {@link ReplayTables} reads them back.
 *
 * <p><b>Algorithm.</b> An {@link #apply} first collapses its events: per record key {@code (did, collection, rkey)}
 * the commit with the greatest {@code rev} (compared as UTF-8 bytes; on equal revs the later in the list), per DID the
 * identity and the account event with the greatest {@code seq}. Then, one statement per table (PostgreSQL:
 * {@code unnest} of one array per column; SQLite: multi-row {@code VALUES} in chunks of 500):
 * <ul>
 *   <li>a create or update is written when its rev is greater than the stored row's and than the key's tombstone;</li>
 *   <li>a delete removes the stored row if that is older, and raises the key's tombstone (the newest delete seen) to
 *       its rev — so a create replayed later with an older or equal rev, after a resume, cannot bring it back;</li>
 *   <li>an identity or account event is written when its seq is greater than the stored one;</li>
 *   <li>the lane's checkpoint row rises to {@code max(stored, checkpointUs)}.</li>
 * </ul>
 * The result: per key the newest event wins whatever the arrival order, within a call and across calls, and applying
 * events again changes nothing.
 *
 * <p><b>COPY first.</b> The checks above cost a probe of the tombstones and of the primary key per row, on top of the
 * write. A create or update of a key stored nowhere needs neither: when the tables were empty at this sink's first
 * write, the keys it has not written yet are such keys ({@link FreshKeys}), and they go in by the database's fastest
 * load ({@code COPY} on PostgreSQL, a plain multi-row {@code INSERT} on SQLite); only keys written before in the run
 * pay for the checks. The tables end the same either way ({@code JdbcReplaySinkCopyFirstTest}). {@link Applied#applied()} counts events that changed what is stored (a delete counts
 * when it is now the key's newest state and was not before); every other event — older than or equal to what is
 * stored, or collapsed away by a newer one in the same call — is {@link Applied#skipped()}.
 *
 * <p><b>What must stay true.</b> Per key, a live row's rev is greater than its tombstone's. The checkpoint commits
 * with the rows it covers, or neither does: a failed {@link #apply} leaves nothing of itself behind.
 *
 * <p><b>Concurrency contract.</b> {@link #apply} may run concurrently from several threads (each on its own pooled
 * connection) <b>provided no two concurrent calls contain the same record key</b>: "newest rev wins" is decided by
 * reading the stored row and tombstone, and two transactions deciding on one key at once could each miss the
 * other's write. The replay engine guarantees this by holding back a batch that shares a key with one in flight.
 * Identity and account events need no such care: their upserts are single {@code ON CONFLICT} statements, which
 * PostgreSQL re-checks against a concurrently committed row. Every statement writes its rows in key order, so
 * concurrent transactions lock rows in the same order and cannot deadlock. Each concurrent caller should use its
 * own {@code lane}, so commits do not queue on one checkpoint row. On SQLite the single pooled connection
 * serialises calls anyway.
 *
 * <p>NOTE: tombstones are kept forever (one small row per deleted key); nothing prunes them yet. PostgreSQL stores
 * {@code record} as {@code jsonb}, which rejects what is not JSON and the escape {@code \u0000}: such an event fails
 * its whole {@link #apply}.
 *
 * <p>The {@link Database} is the caller's to close.
 */
public final class JdbcReplaySink implements ReplaySink {
    private final Database db;
    private final Dialect dialect;
    private final Clock clock;
    private final ReplayStatements statements;
    private final ReplayCheckpointRows checkpoints;
    private final boolean copyFirst;
    private volatile boolean tablesReady;
    /** Set when the tables were empty at this sink's first write and {@code copyFirst}: see {@link FreshKeys}. */
    private volatile FreshKeys freshKeys;

    /** A sink that loads the keys it can prove new without checks (see the class comment). */
    public JdbcReplaySink(Database db, Clock clock) {
        this(db, clock, true);
    }

    /**
     * @param copyFirst whether rows whose key is provably stored nowhere go in by the database's fastest load
     *                  ({@code COPY} on PostgreSQL); false checks every row (the tests compare the two)
     */
    public JdbcReplaySink(Database db, Clock clock, boolean copyFirst) {
        this.db = Objects.requireNonNull(db, "db");
        this.dialect = db.dialect();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.statements = dialect.replayStatements();
        this.checkpoints = new ReplayCheckpointRows(dialect);
        this.copyFirst = copyFirst;
    }

    /**
     * {@inheritDoc}
     *
     * <p>See the class comment for the rules and the concurrency contract.
     *
     * @param lane the caller's applier, {@code >= 0}
     * @throws StoreException if the transaction failed; nothing of this call, checkpoint included, was applied
     */
    @Override
    public Applied apply(String job, int lane, List<Event> events, long checkpointUs) {
        JobNames.require(job);
        if (lane < 0) {
            throw new IllegalArgumentException("lane must be >= 0, was " + lane);
        }
        ReplayBatch batch = ReplayBatch.of(events);
        ensureTables();
        FreshKeys fresh = freshKeys;
        FreshKeys.Split split = fresh == null ? new FreshKeys.Split(List.of(), batch.upserts()) : fresh.split(batch);
        long now = clock.epochMillis();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                statements.begin(c);
                int applied = statements.insertFresh(c, split.fresh())
                        + statements.upsertRecords(c, split.checked())
                        + statements.deleteRecords(c, batch.deletes())
                        + statements.upsertIdentities(c, batch.identities())
                        + statements.upsertAccounts(c, batch.accounts());
                checkpoints.raise(c, job, lane, checkpointUs, now);
                c.commit();
                return new Applied(applied, events.size() - applied);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw new StoreException("apply of " + events.size() + " events for job '" + job + "' lane " + lane
                        + " failed (nothing of it was applied, the checkpoint is unchanged): " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new StoreException("apply of " + events.size() + " events for job '" + job + "' lane " + lane
                    + " failed before it started (nothing was applied): " + e.getMessage(), e);
        }
    }

    /** {@inheritDoc} The highest cursor over the job's lanes. */
    @Override
    public OptionalLong checkpoint(String job) {
        JobNames.require(job);
        try (Connection c = db.dataSource().getConnection()) {
            if (!tablesReady && !ReplaySchema.exists(c, dialect)) {
                return OptionalLong.empty();
            }
            return checkpoints.read(c, job);
        } catch (SQLException e) {
            throw new StoreException("cannot read the replay checkpoint of job '" + job + "': " + e.getMessage(), e);
        }
    }

    /** {@inheritDoc} Deletes every lane's row of the job. */
    @Override
    public void clearCheckpoint(String job) {
        JobNames.require(job);
        try (Connection c = db.dataSource().getConnection()) {
            if (!tablesReady && !ReplaySchema.exists(c, dialect)) {
                return;
            }
            checkpoints.deleteJob(c, job);
        } catch (SQLException e) {
            throw new StoreException("cannot clear the replay checkpoint of job '" + job + "': " + e.getMessage(), e);
        }
    }

    /**
     * The benchmark's {@code limit} mode: loads {@code finalRows} straight into {@code records} in one transaction
     * — on PostgreSQL one {@code COPY … FROM STDIN} (pgjdbc's {@code CopyManager}), on SQLite plain multi-row
     * inserts — with no rev comparison, tombstone or conflict handling, no checkpoint. It measures how fast the
     * database can take the rows a replay ends with, which is what {@link #apply} is compared against.
     *
     * <p>Pass the final state, e.g. {@link ReplayTables#finalRows}: creates and updates with distinct keys not yet
     * in the table (deletes and identity/account events are ignored). Rows are streamed as the iterable yields them.
     *
     * @return the rows loaded
     * @throws StoreException if the load failed (a key already stored, invalid JSON on PostgreSQL); nothing is loaded
     */
    public long copyLimit(Iterable<Event> finalRows) {
        Objects.requireNonNull(finalRows, "finalRows");
        ensureTables();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long loaded = statements.load(c, finalRows);
                c.commit();
                return loaded;
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw new StoreException("load of final rows into " + ReplaySchema.RECORDS
                        + " failed (nothing was loaded): " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new StoreException("load of final rows into " + ReplaySchema.RECORDS + " failed before it started: "
                    + e.getMessage(), e);
        }
    }

    /** Creates the replay tables once per sink; {@code IF NOT EXISTS} under the DDL lock makes racing processes safe. */
    private void ensureTables() {
        if (tablesReady) {
            return;
        }
        synchronized (this) {
            if (tablesReady) {
                return;
            }
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                Transactions.ddl(c, dialect, ReplaySchema.create(dialect));
                if (copyFirst) {
                    freshKeys = FreshKeys.ifTablesEmpty(c);
                    c.commit();
                }
            } catch (SQLException e) {
                throw new StoreException("cannot create the replay tables (" + ReplaySchema.RECORDS + ", "
                        + ReplaySchema.TOMBSTONES + ", " + ReplaySchema.IDENTITIES + ", " + ReplaySchema.ACCOUNTS + ", "
                        + ReplaySchema.CHECKPOINTS + "): " + e.getMessage(), e);
            }
            tablesReady = true;
        }
    }
}
