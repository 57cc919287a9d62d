package dev.sluice.store.internal;

import dev.sluice.replay.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL: one statement per table per call, each row source an {@code unnest} of one array per column (as in
 * {@code JdbcBatchStore}: no per-row binds to plan, and measured faster there than multi-row {@code VALUES} and than
 * COPY into a temporary table). The tombstone check is a {@code NOT EXISTS} in the same statement.
 *
 * <p>Every statement joins the call's rows (up to a few thousand) to a table that only grows ({@code records}, and
 * {@code record_tombstones}, which is never pruned): the right plan is one primary-key probe per row, at any table
 * size. Left to itself the planner hashes the whole table instead — measured with 100k tombstones and 200k records,
 * 1,000 rows took 40–65 ms per statement that way against 3–5 ms probing, and it chose the hash even for 100 rows.
 * So {@link #begin} turns hash and merge joins off for the apply transaction ({@code set_config(…, true)} is
 * {@code SET LOCAL}: it ends with the transaction and touches no other work on the connection).
 *
 * <p>The apply transaction also commits with {@code synchronous_commit = off}: it returns once its commit record is in
 * the WAL buffers, and the WAL writer flushes within {@code wal_writer_delay}. That loses nothing a resume needs. The
 * checkpoint commits in the same transaction as its rows, and WAL is one sequence: a crash of the server can only
 * lose a suffix of the commits, data and checkpoints together, and the replay resumes from the newest checkpoint that
 * survived (applying an event twice has the effect of once). What it saves is a WAL flush per batch, which is both
 * latency for the replay and fsyncs that the foreground's commits queue behind.
 *
 * <p>{@code WITH ORDINALITY … ORDER BY ord} keeps the rows in the caller's key order whatever join the planner
 * picks, so concurrent statements take row locks in one order.
 */
final class PostgresReplayStatements implements ReplayStatements {
    private static final String UPSERT_RECORDS = "INSERT INTO " + ReplaySchema.RECORDS
            + " AS r (did, collection, rkey, cid, rev, record, time_us)"
            + " SELECT u.did, u.collection, u.rkey, u.cid, u.rev, u.record::jsonb, u.time_us"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])"
            + " WITH ORDINALITY AS u(did, collection, rkey, cid, rev, record, time_us, ord)"
            + " WHERE NOT EXISTS (SELECT 1 FROM " + ReplaySchema.TOMBSTONES + " t WHERE t.did = u.did"
            + " AND t.collection = u.collection AND t.rkey = u.rkey AND t.rev >= u.rev)"
            + " ORDER BY u.ord"
            + " ON CONFLICT (did, collection, rkey) DO UPDATE SET cid = excluded.cid, rev = excluded.rev,"
            + " record = excluded.record, time_us = excluded.time_us WHERE r.rev < excluded.rev";

    /**
     * The tombstones rise, older rows go, and the count is of raised tombstones with no row of equal or newer rev.
     * All parts see the snapshot from before the statement, so the final {@code NOT EXISTS} still sees the rows the
     * {@code DELETE} removes — those are older than the delete, so they do not hide it.
     */
    private static final String DELETE_RECORDS = "WITH u AS MATERIALIZED (SELECT * FROM"
            + " unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])"
            + " WITH ORDINALITY AS u(did, collection, rkey, rev, time_us, ord)),"
            + " raised AS (INSERT INTO " + ReplaySchema.TOMBSTONES + " AS t (did, collection, rkey, rev, time_us)"
            + " SELECT did, collection, rkey, rev, time_us FROM u ORDER BY ord"
            + " ON CONFLICT (did, collection, rkey) DO UPDATE SET rev = excluded.rev, time_us = excluded.time_us"
            + " WHERE t.rev < excluded.rev RETURNING t.did, t.collection, t.rkey, t.rev),"
            + " gone AS (DELETE FROM " + ReplaySchema.RECORDS + " r USING u WHERE r.did = u.did"
            + " AND r.collection = u.collection AND r.rkey = u.rkey AND r.rev < u.rev RETURNING 1)"
            + " SELECT count(*) FROM raised x WHERE NOT EXISTS (SELECT 1 FROM " + ReplaySchema.RECORDS + " r"
            + " WHERE r.did = x.did AND r.collection = x.collection AND r.rkey = x.rkey AND r.rev >= x.rev)";

    private static final String UPSERT_IDENTITIES = "INSERT INTO " + ReplaySchema.IDENTITIES
            + " AS i (did, handle, seq, time, time_us)"
            + " SELECT u.did, u.handle, u.seq, u.time, u.time_us"
            + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[])"
            + " WITH ORDINALITY AS u(did, handle, seq, time, time_us, ord) ORDER BY u.ord"
            + " ON CONFLICT (did) DO UPDATE SET handle = excluded.handle, seq = excluded.seq, time = excluded.time,"
            + " time_us = excluded.time_us WHERE i.seq < excluded.seq";

    private static final String UPSERT_ACCOUNTS = "INSERT INTO " + ReplaySchema.ACCOUNTS
            + " AS a (did, active, status, seq, time, time_us)"
            + " SELECT u.did, u.active, u.status, u.seq, u.time, u.time_us"
            + " FROM unnest(?::text[], ?::boolean[], ?::text[], ?::bigint[], ?::text[], ?::bigint[])"
            + " WITH ORDINALITY AS u(did, active, status, seq, time, time_us, ord) ORDER BY u.ord"
            + " ON CONFLICT (did) DO UPDATE SET active = excluded.active, status = excluded.status,"
            + " seq = excluded.seq, time = excluded.time, time_us = excluded.time_us WHERE a.seq < excluded.seq";

    private static final String BEGIN = "SELECT set_config('enable_hashjoin', 'off', true),"
            + " set_config('enable_mergejoin', 'off', true), set_config('synchronous_commit', 'off', true)";

    @Override
    public void begin(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BEGIN)) {
            ps.execute();
        }
    }

    @Override
    public int upsertRecords(Connection c, List<Event> upserts) throws SQLException {
        int n = upserts.size();
        if (n == 0) {
            return 0;
        }
        String[] did = new String[n];
        String[] collection = new String[n];
        String[] rkey = new String[n];
        String[] cid = new String[n];
        String[] rev = new String[n];
        String[] record = new String[n];
        Long[] timeUs = new Long[n];
        for (int i = 0; i < n; i++) {
            Event e = upserts.get(i);
            Event.Commit m = e.commit();
            did[i] = e.did();
            collection[i] = m.collection();
            rkey[i] = m.rkey();
            cid[i] = m.cid();
            rev[i] = m.rev();
            record[i] = m.recordJson();
            timeUs[i] = e.timeUs();
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_RECORDS)) {
            ps.setArray(1, c.createArrayOf("text", did));
            ps.setArray(2, c.createArrayOf("text", collection));
            ps.setArray(3, c.createArrayOf("text", rkey));
            ps.setArray(4, c.createArrayOf("text", cid));
            ps.setArray(5, c.createArrayOf("text", rev));
            ps.setArray(6, c.createArrayOf("text", record));
            ps.setArray(7, c.createArrayOf("bigint", timeUs));
            return ps.executeUpdate();
        }
    }

    @Override
    public int deleteRecords(Connection c, List<Event> deletes) throws SQLException {
        int n = deletes.size();
        if (n == 0) {
            return 0;
        }
        String[] did = new String[n];
        String[] collection = new String[n];
        String[] rkey = new String[n];
        String[] rev = new String[n];
        Long[] timeUs = new Long[n];
        for (int i = 0; i < n; i++) {
            Event e = deletes.get(i);
            did[i] = e.did();
            collection[i] = e.commit().collection();
            rkey[i] = e.commit().rkey();
            rev[i] = e.commit().rev();
            timeUs[i] = e.timeUs();
        }
        try (PreparedStatement ps = c.prepareStatement(DELETE_RECORDS)) {
            ps.setArray(1, c.createArrayOf("text", did));
            ps.setArray(2, c.createArrayOf("text", collection));
            ps.setArray(3, c.createArrayOf("text", rkey));
            ps.setArray(4, c.createArrayOf("text", rev));
            ps.setArray(5, c.createArrayOf("bigint", timeUs));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public int upsertIdentities(Connection c, List<Event> identities) throws SQLException {
        int n = identities.size();
        if (n == 0) {
            return 0;
        }
        String[] did = new String[n];
        String[] handle = new String[n];
        Long[] seq = new Long[n];
        String[] time = new String[n];
        Long[] timeUs = new Long[n];
        for (int i = 0; i < n; i++) {
            Event e = identities.get(i);
            did[i] = e.did();
            handle[i] = e.identity().handle();
            seq[i] = e.identity().seq();
            time[i] = e.identity().time();
            timeUs[i] = e.timeUs();
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_IDENTITIES)) {
            ps.setArray(1, c.createArrayOf("text", did));
            ps.setArray(2, c.createArrayOf("text", handle));
            ps.setArray(3, c.createArrayOf("bigint", seq));
            ps.setArray(4, c.createArrayOf("text", time));
            ps.setArray(5, c.createArrayOf("bigint", timeUs));
            return ps.executeUpdate();
        }
    }

    @Override
    public int upsertAccounts(Connection c, List<Event> accounts) throws SQLException {
        int n = accounts.size();
        if (n == 0) {
            return 0;
        }
        String[] did = new String[n];
        Boolean[] active = new Boolean[n];
        String[] status = new String[n];
        Long[] seq = new Long[n];
        String[] time = new String[n];
        Long[] timeUs = new Long[n];
        for (int i = 0; i < n; i++) {
            Event e = accounts.get(i);
            did[i] = e.did();
            active[i] = e.account().active();
            status[i] = e.account().status();
            seq[i] = e.account().seq();
            time[i] = e.account().time();
            timeUs[i] = e.timeUs();
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_ACCOUNTS)) {
            ps.setArray(1, c.createArrayOf("text", did));
            ps.setArray(2, c.createArrayOf("boolean", active));
            ps.setArray(3, c.createArrayOf("text", status));
            ps.setArray(4, c.createArrayOf("bigint", seq));
            ps.setArray(5, c.createArrayOf("text", time));
            ps.setArray(6, c.createArrayOf("bigint", timeUs));
            return ps.executeUpdate();
        }
    }

    @Override
    public boolean uniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** {@code COPY … FROM STDIN} in text format ({@link CopyText#copyIn}); deletes and non-commit events are skipped. */
    @Override
    public long load(Connection c, Iterable<Event> rows) throws SQLException {
        return CopyText.copyIn(c, "COPY " + ReplaySchema.RECORDS
                + " (did, collection, rkey, cid, rev, record, time_us) FROM STDIN", rows, (out, e) -> {
                    Event.Commit m = e.commit();
                    if (m != null && m.operation() != Event.Operation.DELETE) {
                        out.field(e.did()).tab().field(m.collection()).tab().field(m.rkey()).tab().field(m.cid())
                                .tab().field(m.rev()).tab().field(m.recordJson()).tab().number(e.timeUs())
                                .newline();
                    }
                });
    }
}
