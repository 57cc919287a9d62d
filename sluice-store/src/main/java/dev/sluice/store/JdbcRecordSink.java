package dev.sluice.store;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.StreamWrite;
import dev.sluice.store.internal.CheckpointRows;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.RecordUpserts;
import dev.sluice.store.internal.SegmentRows;
import dev.sluice.store.internal.StreamTables;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link RecordSink} over a {@link Database}: one table per (namespace, stream), checkpoints in
 * {@code sluice_checkpoints}, each {@link #commit} one transaction.
 *
 * <p>Records are upserted in multi-row statements of at most {@value #CHUNK} rows. Within one write, records with
 * the same id are collapsed first to the one with the highest version (the first of equals), because PostgreSQL
 * refuses a statement that touches one row twice; rows go in id order, so concurrent committers lock rows in the
 * same order. A deleted object stays deleted: a tombstoned row is not replaced, and an object removed as deleted
 * ({@code sluice_deletions}) is not inserted again — the version rule of {@code dev.sluice.sync.rule.VersionRule}
 * for list copies.
 *
 * <p>The tables must exist: call {@link #prepare} for every (namespace, stream) before committing to it.
 * {@link #close()} leaves the {@link Database} open; its owner closes it.
 */
public final class JdbcRecordSink implements RecordSink {
    static final int CHUNK = RecordUpserts.CHUNK;

    private final Database db;
    private final Dialect dialect;
    private final Clock clock;
    private final CheckpointRows checkpoints;
    private final RecordUpserts upserts;

    public JdbcRecordSink(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.dialect = db.dialect();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkpoints = new CheckpointRows(dialect);
        this.upserts = new RecordUpserts(dialect);
    }

    @Override
    public void prepare(String namespace, String stream) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            StreamTables.prepare(c, dialect, namespace, stream);
        } catch (SQLException e) {
            throw new StoreException("cannot create the table " + dialect.tableName(namespace, stream)
                    + " for stream " + namespace + "." + stream + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Checkpoint> checkpoint(String job, String stream) {
        try (Connection c = db.dataSource().getConnection()) {
            return checkpoints.read(c, JobNames.require(job), stream);
        } catch (SQLException e) {
            throw new StoreException("cannot read the checkpoint of job '" + job + "' stream '" + stream + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void commit(String job, List<StreamWrite> writes) {
        JobNames.require(job);
        if (writes.isEmpty()) {
            return;
        }
        // Names go into SQL: check them all before touching the database.
        for (StreamWrite w : writes) {
            dialect.tableName(w.namespace(), w.stream());
        }
        long now = clock.epochMillis();
        StreamWrite current = null;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (StreamWrite w : writes) {
                    current = w;
                    upserts.apply(c, w.namespace(), w.stream(), w.records(), now);
                    checkpoints.upsert(c, job, w.namespace(), w.stream(), w.checkpoint(), now);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw new StoreException("commit of job '" + job + "' failed at stream " + current.namespace() + "."
                        + current.stream() + " (nothing of this commit was applied): " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new StoreException("commit of job '" + job + "' for streams " + writes.stream()
                    .map(w -> w.namespace() + "." + w.stream()).collect(Collectors.joining(", "))
                    + " failed before it started (nothing was applied): " + e.getMessage(), e);
        }
    }

    @Override
    public void resetJob(String job) {
        try (Connection c = db.dataSource().getConnection()) {
            checkpoints.deleteJob(c, JobNames.require(job));
            SegmentRows.deleteJob(c, job);
        } catch (SQLException e) {
            throw new StoreException("cannot reset job '" + job + "': " + e.getMessage(), e);
        }
    }

    /** Nothing to release: the {@link Database} belongs to the caller. */
    @Override
    public void close() {
    }
}
