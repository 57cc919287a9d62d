package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The {@code sluice_workers} table: each live worker process, its job and its last heartbeat (epoch ms). */
public final class WorkerRows {
    /** One worker as stored. */
    public record Row(String worker, String job, String host, long pid, long startedAt, long heartbeatAt) {
    }

    private WorkerRows() {
    }

    /** Records a heartbeat of {@code worker} on {@code job} ({@code worker} is {@code pid@host}). */
    public static void beat(Connection c, String worker, String job, long now) throws SQLException {
        int at = worker.indexOf('@');
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_workers (worker, job, host, pid, started_at,"
                + " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (worker) DO UPDATE SET job = excluded.job,"
                + " heartbeat_at = excluded.heartbeat_at")) {
            ps.setString(1, worker);
            ps.setString(2, job);
            ps.setString(3, at < 0 ? "" : worker.substring(at + 1));
            ps.setLong(4, at < 0 ? 0 : Long.parseLong(worker.substring(0, at)));
            ps.setLong(5, now);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    public static void gone(Connection c, String worker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_workers WHERE worker = ?")) {
            ps.setString(1, worker);
            ps.executeUpdate();
        }
    }

    public static List<Row> all(Connection c) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT worker, job, host, pid, started_at, heartbeat_at"
                + " FROM sluice_workers ORDER BY job, worker"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6)));
            }
        }
        return out;
    }
}
