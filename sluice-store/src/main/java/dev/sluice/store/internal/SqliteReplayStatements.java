package dev.sluice.store.internal;

import dev.sluice.replay.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * SQLite: multi-row statements over a {@code VALUES} list, {@value #CHUNK} rows each (at most 3,500 binds, far below
 * SQLite's 32,766). The write transaction holds the database's only write lock, so a delete can be done as three
 * statements — count, delete, raise the tombstone — with nothing in between.
 *
 * <p>Statements for a full chunk are built once per shape; a shorter last chunk gets its own.
 */
final class SqliteReplayStatements implements ReplayStatements {
    static final int CHUNK = 500;

    private static final String KEY_MATCH = "t.did = v.column1 AND t.collection = v.column2 AND t.rkey = v.column3";

    private final Map<String, String> sql = new HashMap<>();

    /** Nothing to set: SQLite's planner already probes the primary keys row by row for these statements. */
    @Override
    public void begin(Connection c) {
    }

    @Override
    public int upsertRecords(Connection c, List<Event> upserts) throws SQLException {
        return chunked(c, upserts, rows -> "INSERT INTO " + ReplaySchema.RECORDS
                + " AS r (did, collection, rkey, cid, rev, record, time_us) SELECT v.column1, v.column2, v.column3,"
                + " v.column4, v.column5, v.column6, v.column7 FROM (" + values(rows, 7) + ") AS v"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + ReplaySchema.TOMBSTONES + " t WHERE " + KEY_MATCH
                + " AND t.rev >= v.column5)"
                + " ON CONFLICT (did, collection, rkey) DO UPDATE SET cid = excluded.cid, rev = excluded.rev,"
                + " record = excluded.record, time_us = excluded.time_us WHERE r.rev < excluded.rev",
                "upsert-records", (ps, chunk) -> {
                    int i = 1;
                    for (Event e : chunk) {
                        Event.Commit m = e.commit();
                        ps.setString(i++, e.did());
                        ps.setString(i++, m.collection());
                        ps.setString(i++, m.rkey());
                        ps.setString(i++, m.cid());
                        ps.setString(i++, m.rev());
                        ps.setString(i++, m.recordJson());
                        ps.setLong(i++, e.timeUs());
                    }
                    return ps.executeUpdate();
                });
    }

    @Override
    public int deleteRecords(Connection c, List<Event> deletes) throws SQLException {
        int applied = 0;
        for (int from = 0; from < deletes.size(); from += CHUNK) {
            List<Event> chunk = deletes.subList(from, Math.min(deletes.size(), from + CHUNK));
            // Counted first, on the state before this chunk: the tombstone will rise and no row is as new.
            try (PreparedStatement ps = c.prepareStatement(cached("delete-count", chunk.size(), n ->
                    "SELECT count(*) FROM (" + values(n, 4) + ") AS v WHERE NOT EXISTS (SELECT 1 FROM "
                            + ReplaySchema.TOMBSTONES + " t WHERE " + KEY_MATCH + " AND t.rev >= v.column4)"
                            + " AND NOT EXISTS (SELECT 1 FROM " + ReplaySchema.RECORDS + " t WHERE " + KEY_MATCH
                            + " AND t.rev >= v.column4)"))) {
                bindKeyRev(ps, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    applied += rs.getInt(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(cached("delete-rows", chunk.size(), n ->
                    "DELETE FROM " + ReplaySchema.RECORDS + " WHERE rowid IN (SELECT t.rowid FROM ("
                            + values(n, 4) + ") AS v JOIN " + ReplaySchema.RECORDS + " t ON " + KEY_MATCH
                            + " WHERE t.rev < v.column4)"))) {
                bindKeyRev(ps, chunk);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(cached("raise-tombstones", chunk.size(), n ->
                    "INSERT INTO " + ReplaySchema.TOMBSTONES + " AS t (did, collection, rkey, rev, time_us)"
                            + " SELECT column1, column2, column3, column4, column5 FROM (" + values(n, 5) + ")"
                            + " WHERE true ON CONFLICT (did, collection, rkey) DO UPDATE SET rev = excluded.rev,"
                            + " time_us = excluded.time_us WHERE t.rev < excluded.rev"))) {
                int i = 1;
                for (Event e : chunk) {
                    ps.setString(i++, e.did());
                    ps.setString(i++, e.commit().collection());
                    ps.setString(i++, e.commit().rkey());
                    ps.setString(i++, e.commit().rev());
                    ps.setLong(i++, e.timeUs());
                }
                ps.executeUpdate();
            }
        }
        return applied;
    }

    private static void bindKeyRev(PreparedStatement ps, List<Event> chunk) throws SQLException {
        int i = 1;
        for (Event e : chunk) {
            ps.setString(i++, e.did());
            ps.setString(i++, e.commit().collection());
            ps.setString(i++, e.commit().rkey());
            ps.setString(i++, e.commit().rev());
        }
    }

    @Override
    public int upsertIdentities(Connection c, List<Event> identities) throws SQLException {
        // "WHERE true": SQLite needs a WHERE after INSERT … SELECT … FROM to parse the ON CONFLICT that follows.
        return chunked(c, identities, rows -> "INSERT INTO " + ReplaySchema.IDENTITIES
                + " AS i (did, handle, seq, time, time_us) SELECT column1, column2, column3, column4, column5 FROM ("
                + values(rows, 5) + ") WHERE true ON CONFLICT (did) DO UPDATE SET handle = excluded.handle,"
                + " seq = excluded.seq, time = excluded.time, time_us = excluded.time_us WHERE i.seq < excluded.seq",
                "upsert-identities", (ps, chunk) -> {
                    int i = 1;
                    for (Event e : chunk) {
                        ps.setString(i++, e.did());
                        ps.setString(i++, e.identity().handle());
                        ps.setLong(i++, e.identity().seq());
                        ps.setString(i++, e.identity().time());
                        ps.setLong(i++, e.timeUs());
                    }
                    return ps.executeUpdate();
                });
    }

    @Override
    public int upsertAccounts(Connection c, List<Event> accounts) throws SQLException {
        return chunked(c, accounts, rows -> "INSERT INTO " + ReplaySchema.ACCOUNTS
                + " AS a (did, active, status, seq, time, time_us) SELECT column1, column2, column3, column4, column5,"
                + " column6 FROM (" + values(rows, 6) + ") WHERE true ON CONFLICT (did) DO UPDATE SET"
                + " active = excluded.active, status = excluded.status, seq = excluded.seq, time = excluded.time,"
                + " time_us = excluded.time_us WHERE a.seq < excluded.seq",
                "upsert-accounts", (ps, chunk) -> {
                    int i = 1;
                    for (Event e : chunk) {
                        ps.setString(i++, e.did());
                        ps.setBoolean(i++, e.account().active());
                        ps.setString(i++, e.account().status());
                        ps.setLong(i++, e.account().seq());
                        ps.setString(i++, e.account().time());
                        ps.setLong(i++, e.timeUs());
                    }
                    return ps.executeUpdate();
                });
    }

    /** SQLITE_CONSTRAINT (19), as the driver reports it, for a primary key (its message says which constraint). */
    @Override
    public boolean uniqueViolation(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return e.getErrorCode() == 19 && (m.contains("PRIMARYKEY") || m.contains("UNIQUE"));
    }

    /** SQLite has no COPY: the same multi-row INSERT without any checks is the fastest load it has. */
    @Override
    public long load(Connection c, Iterable<Event> rows) throws SQLException {
        List<Event> pending = new ArrayList<>(CHUNK);
        long loaded = 0;
        for (Event e : rows) {
            if (e.commit() == null || e.commit().operation() == Event.Operation.DELETE) {
                continue;
            }
            pending.add(e);
            if (pending.size() == CHUNK) {
                loaded += insertPlain(c, pending);
                pending.clear();
            }
        }
        return loaded + insertPlain(c, pending);
    }

    private int insertPlain(Connection c, List<Event> rows) throws SQLException {
        return chunked(c, rows, n -> "INSERT INTO " + ReplaySchema.RECORDS
                + " (did, collection, rkey, cid, rev, record, time_us) " + values(n, 7), "load", (ps, chunk) -> {
                    int i = 1;
                    for (Event e : chunk) {
                        Event.Commit m = e.commit();
                        ps.setString(i++, e.did());
                        ps.setString(i++, m.collection());
                        ps.setString(i++, m.rkey());
                        ps.setString(i++, m.cid());
                        ps.setString(i++, m.rev());
                        ps.setString(i++, m.recordJson());
                        ps.setLong(i++, e.timeUs());
                    }
                    return ps.executeUpdate();
                });
    }

    private interface ChunkWrite {
        int write(PreparedStatement ps, List<Event> chunk) throws SQLException;
    }

    private int chunked(Connection c, List<Event> events, IntFunction<String> statement, String shape, ChunkWrite write)
            throws SQLException {
        int changed = 0;
        for (int from = 0; from < events.size(); from += CHUNK) {
            List<Event> chunk = events.subList(from, Math.min(events.size(), from + CHUNK));
            try (PreparedStatement ps = c.prepareStatement(cached(shape, chunk.size(), statement))) {
                changed += write.write(ps, chunk);
            }
        }
        return changed;
    }

    /** The SQL text of a statement shape for {@code rows} rows, built once for a full chunk. */
    private String cached(String shape, int rows, IntFunction<String> build) {
        if (rows != CHUNK) {
            return build.apply(rows);
        }
        synchronized (sql) {
            return sql.computeIfAbsent(shape, s -> build.apply(rows));
        }
    }

    /** {@code VALUES (?, …), …}: {@code rows} rows of {@code columns} placeholders. */
    private static String values(int rows, int columns) {
        StringBuilder row = new StringBuilder("(");
        for (int i = 0; i < columns; i++) {
            row.append(i == 0 ? "?" : ", ?");
        }
        row.append(')');
        StringBuilder sb = new StringBuilder(8 + rows * (row.length() + 2)).append("VALUES ");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(row);
        }
        return sb.toString();
    }
}
