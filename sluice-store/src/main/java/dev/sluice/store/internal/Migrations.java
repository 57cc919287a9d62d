package dev.sluice.store.internal;

import dev.sluice.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The schema Sluice keeps for itself, as an ordered list of migrations recorded in {@code sluice_schema_version}.
 *
 * <p>Each migration runs in its own transaction which first takes the dialect's DDL lock and re-reads the version,
 * so two processes opening the same database at once apply each migration exactly once. What must stay true:
 * a migration, once released, is never edited; a change is a new migration at the end of {@link #ALL}.
 */
public final class Migrations {
    /** One schema step; {@code statements} may differ per dialect. */
    public record Migration(int version, String description, Function<Dialect, List<String>> statements) {
    }

    public static final List<Migration> ALL = List.of(
            new Migration(1, "checkpoints", d -> List.of(
                    "CREATE TABLE sluice_checkpoints (job TEXT NOT NULL, stream TEXT NOT NULL,"
                            + " namespace TEXT NOT NULL, range_gte BIGINT NOT NULL, range_lt BIGINT NOT NULL,"
                            + " remaining TEXT NOT NULL, done " + d.booleanType() + " NOT NULL,"
                            + " updated_at " + d.instantType() + " NOT NULL, PRIMARY KEY (job, stream))")),
            new Migration(2, "push-ingest batches", d -> List.of(
                    "CREATE TABLE sluice_batches (id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
                            + " expected_count BIGINT NOT NULL, idempotency_key TEXT, metadata " + d.jsonType() + ","
                            + " status TEXT NOT NULL, created_at " + d.instantType() + " NOT NULL,"
                            + " sealed_at " + d.instantType() + ", UNIQUE (owner, idempotency_key))",
                    "CREATE INDEX sluice_batches_expiry ON sluice_batches (status, created_at)",
                    // NOTE: payload is TEXT on PostgreSQL too, not jsonb: jsonb reorders keys and rewrites numbers
                    // and whitespace, and an item must come back byte-for-byte as the client sent it.
                    "CREATE TABLE sluice_batch_items (batch_id TEXT NOT NULL, idx BIGINT NOT NULL, payload TEXT,"
                            + " object_key TEXT, payload_bytes BIGINT NOT NULL, error_code TEXT, error_message TEXT,"
                            + " created_at " + d.instantType() + " NOT NULL, PRIMARY KEY (batch_id, idx))")),
            new Migration(3, "sync: events cursors, applied events, remembered deletions, deletion modes", d -> List.of(
                    // account is '' for the API key's own account, so the key needs no NULL-safe comparison.
                    "CREATE TABLE sluice_sync_cursors (job TEXT NOT NULL, account TEXT NOT NULL,"
                            + " namespace TEXT NOT NULL, cursor_second BIGINT NOT NULL, phase TEXT NOT NULL,"
                            + " streams TEXT NOT NULL, backfilling TEXT NOT NULL, backfill_started_at BIGINT NOT NULL,"
                            + " updated_at " + d.instantType() + " NOT NULL, PRIMARY KEY (job, account))",
                    "CREATE TABLE sluice_applied_events (namespace TEXT NOT NULL, event_id TEXT NOT NULL,"
                            + " created BIGINT NOT NULL, applied_at " + d.instantType() + " NOT NULL,"
                            + " PRIMARY KEY (namespace, event_id))",
                    "CREATE INDEX sluice_applied_events_created ON sluice_applied_events (namespace, created)",
                    "CREATE TABLE sluice_deletions (namespace TEXT NOT NULL, stream TEXT NOT NULL, id TEXT NOT NULL,"
                            + " version BIGINT NOT NULL, deleted_at " + d.instantType() + " NOT NULL,"
                            + " PRIMARY KEY (namespace, stream, id))",
                    "CREATE TABLE sluice_namespaces (namespace TEXT PRIMARY KEY, deletes TEXT NOT NULL,"
                            + " updated_at " + d.instantType() + " NOT NULL)")),
            new Migration(4, "workers: leased segments, worker heartbeats", d -> List.of(
                    // IF NOT EXISTS: a test (or an operator) that rolls the version back to re-run older steps
                    // leaves these tables in place. One row per segment of a job's run, leased by one process at a time: epoch is the fencing
                    // token (bumped by each claim), lease_until and heartbeat_at are epoch milliseconds (0: open).
                    "CREATE TABLE IF NOT EXISTS sluice_segments (id TEXT PRIMARY KEY, job TEXT NOT NULL, stream TEXT NOT NULL,"
                            + " namespace TEXT NOT NULL, run_gte BIGINT NOT NULL, run_lt BIGINT NOT NULL,"
                            + " gte BIGINT NOT NULL, lt BIGINT NOT NULL, cursor TEXT, probe " + d.booleanType()
                            + " NOT NULL, density DOUBLE PRECISION, done " + d.booleanType() + " NOT NULL,"
                            + " epoch BIGINT NOT NULL, owner TEXT, lease_until BIGINT NOT NULL,"
                            + " heartbeat_at BIGINT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS sluice_segments_open ON sluice_segments (job, done, lease_until)",
                    "CREATE TABLE IF NOT EXISTS sluice_workers (worker TEXT PRIMARY KEY, job TEXT NOT NULL, host TEXT NOT NULL,"
                            + " pid BIGINT NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)")));

    private Migrations() {
    }

    /** Brings the schema behind {@code dataSource} up to the latest version; returns that version. */
    public static int apply(DataSource dataSource, Dialect dialect) {
        int latest = ALL.getLast().version();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                inTransaction(c, dialect, () -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("CREATE TABLE IF NOT EXISTS sluice_schema_version (version INTEGER PRIMARY KEY,"
                                + " description TEXT NOT NULL, applied_at " + dialect.instantType() + " NOT NULL)");
                    }
                });
                for (Migration m : ALL) {
                    inTransaction(c, dialect, () -> {
                        int current = currentVersion(c);
                        if (current > latest) {
                            throw new StoreException("the database schema is at version " + current
                                    + ", newer than this Sluice knows (" + latest + "); upgrade Sluice");
                        }
                        if (current < m.version()) {
                            try (Statement st = c.createStatement()) {
                                for (String sql : m.statements().apply(dialect)) {
                                    st.execute(sql);
                                }
                            }
                            try (PreparedStatement ps = c.prepareStatement(
                                    "INSERT INTO sluice_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                                ps.setInt(1, m.version());
                                ps.setString(2, m.description());
                                dialect.bindInstant(ps, 3, System.currentTimeMillis());
                                ps.executeUpdate();
                            }
                        }
                    });
                }
                return currentVersion(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("schema migration failed: " + e.getMessage(), e);
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection c, Dialect dialect, SqlWork work) throws SQLException {
        try {
            if (dialect.ddlLock().isPresent()) {
                try (Statement st = c.createStatement()) {
                    st.execute(dialect.ddlLock().get());
                }
            }
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM sluice_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
