package dev.sluice.store.internal;

import dev.sluice.sync.ChangeSink.CursorAdvance;
import dev.sluice.sync.SyncState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sluice_sync_cursors} table: one row per (job, account) — the events cursor, the phase, the streams the
 * cursor covers and the backfill under way. Streams are stored comma-separated (names cannot hold a comma).
 */
public final class SyncRows {
    private static final String COLUMNS = "job, account, namespace, cursor_second, phase, streams, backfilling,"
            + " backfill_started_at";

    private final Dialect dialect;

    public SyncRows(Dialect dialect) {
        this.dialect = dialect;
    }

    public Optional<SyncState> read(Connection c, String job, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM sluice_sync_cursors WHERE job = ? AND account = ?")) {
            ps.setString(1, job);
            ps.setString(2, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SyncState(rs.getString("job"), rs.getString("account"),
                        rs.getString("namespace"), rs.getLong("cursor_second"),
                        SyncState.Phase.valueOf(rs.getString("phase")), split(rs.getString("streams")),
                        split(rs.getString("backfilling")), rs.getLong("backfill_started_at")));
            }
        }
    }

    /** All rows, ordered by job then account (for {@code sluice status}). */
    public List<SyncState> readAll(Connection c) throws SQLException {
        List<SyncState> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM sluice_sync_cursors ORDER BY job, account");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SyncState(rs.getString("job"), rs.getString("account"), rs.getString("namespace"),
                        rs.getLong("cursor_second"), SyncState.Phase.valueOf(rs.getString("phase")),
                        split(rs.getString("streams")), split(rs.getString("backfilling")),
                        rs.getLong("backfill_started_at")));
            }
        }
        return out;
    }

    public void write(Connection c, SyncState s, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_sync_cursors (" + COLUMNS + ", updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, account) DO UPDATE SET"
                + " namespace = excluded.namespace, cursor_second = excluded.cursor_second, phase = excluded.phase,"
                + " streams = excluded.streams, backfilling = excluded.backfilling,"
                + " backfill_started_at = excluded.backfill_started_at, updated_at = excluded.updated_at")) {
            ps.setString(1, s.job());
            ps.setString(2, s.account());
            ps.setString(3, s.namespace());
            ps.setLong(4, s.cursor());
            ps.setString(5, s.phase().name());
            ps.setString(6, String.join(",", s.streams()));
            ps.setString(7, String.join(",", s.backfilling()));
            ps.setLong(8, s.backfillStartedMillis());
            dialect.bindInstant(ps, 9, nowMillis);
            ps.executeUpdate();
        }
    }

    /**
     * The one place a cursor moves after a backfill: in the transaction of the changes it covers. NOTE: a leased
     * cursor (several workers) adds its epoch to this statement's condition, so a worker that lost the lease
     * updates nothing and its transaction rolls back.
     *
     * @throws SQLException if the job has no cursor row, or it is not following events
     */
    public void advance(Connection c, CursorAdvance a, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sluice_sync_cursors SET cursor_second = ?, streams = ?,"
                + " updated_at = ? WHERE job = ? AND account = ? AND phase = ?")) {
            ps.setLong(1, a.second());
            ps.setString(2, String.join(",", a.streams()));
            dialect.bindInstant(ps, 3, nowMillis);
            ps.setString(4, a.job());
            ps.setString(5, a.account());
            ps.setString(6, SyncState.Phase.EVENTS.name());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("job '" + a.job() + "' has no events cursor to advance (is a backfill of it"
                        + " under way in another process?)");
            }
        }
    }

    public void delete(Connection c, String job, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_sync_cursors WHERE job = ? AND account = ?")) {
            ps.setString(1, job);
            ps.setString(2, account);
            ps.executeUpdate();
        }
    }

    private static List<String> split(String text) {
        return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
    }
}
