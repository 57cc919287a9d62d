package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The replay's tables, created on first use (not by a migration, so a database that never replays never gets
 * them): {@code records}, {@code record_tombstones}, {@code identities}, {@code accounts} and
 * {@code replay_checkpoints}, with plain names in the database's default schema.
 *
 * <p>Keys and revs are compared as bytes: SQLite's {@code TEXT} compares with {@code BINARY} (memcmp of UTF-8)
 * already; on PostgreSQL those columns are declared {@code COLLATE "C"}, so {@code rev < excluded.rev} is the TID
 * order and not a locale's, and the primary key index serves the same comparisons.
 */
public final class ReplaySchema {
    public static final String RECORDS = "records";
    public static final String TOMBSTONES = "record_tombstones";
    public static final String IDENTITIES = "identities";
    public static final String ACCOUNTS = "accounts";
    public static final String CHECKPOINTS = "replay_checkpoints";

    private ReplaySchema() {
    }

    /** DDL creating every replay table that is missing; run it under the dialect's DDL lock. */
    public static List<String> create(Dialect d) {
        String key = d.byteOrderedTextType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + RECORDS + " (did " + key + " NOT NULL, collection " + key
                        + " NOT NULL, rkey " + key + " NOT NULL, cid TEXT, rev " + key + " NOT NULL, record "
                        + d.jsonType() + " NOT NULL, time_us BIGINT NOT NULL, PRIMARY KEY (did, collection, rkey))",
                "CREATE TABLE IF NOT EXISTS " + TOMBSTONES + " (did " + key + " NOT NULL, collection " + key
                        + " NOT NULL, rkey " + key + " NOT NULL, rev " + key + " NOT NULL, time_us BIGINT NOT NULL,"
                        + " PRIMARY KEY (did, collection, rkey))",
                "CREATE TABLE IF NOT EXISTS " + IDENTITIES + " (did " + key + " PRIMARY KEY, handle TEXT,"
                        + " seq BIGINT NOT NULL, time TEXT, time_us BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + ACCOUNTS + " (did " + key + " PRIMARY KEY, active "
                        + d.booleanType() + " NOT NULL, status TEXT, seq BIGINT NOT NULL, time TEXT,"
                        + " time_us BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + CHECKPOINTS + " (job TEXT NOT NULL, lane INTEGER NOT NULL,"
                        + " cursor_us BIGINT NOT NULL, updated_at " + d.instantType() + " NOT NULL,"
                        + " PRIMARY KEY (job, lane))");
    }

    /** Whether the replay's tables exist (they are created together, so one stands for all). */
    public static boolean exists(Connection c, Dialect d) throws SQLException {
        return d.tableExists(c, CHECKPOINTS);
    }
}
