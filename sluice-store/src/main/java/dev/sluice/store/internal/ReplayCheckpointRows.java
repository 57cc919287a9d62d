package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The {@code replay_checkpoints} table: one row per (job, lane), so concurrent appliers of one job each update
 * their own row instead of queueing on one. A lane's cursor only rises; the job's checkpoint is the highest lane's.
 */
public final class ReplayCheckpointRows {
    private final Dialect dialect;

    public ReplayCheckpointRows(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Raises the lane's cursor to {@code max(stored, cursorUs)} and stamps it, in the caller's transaction. */
    public void raise(Connection c, String job, int lane, long cursorUs, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ReplaySchema.CHECKPOINTS
                + " AS k (job, lane, cursor_us, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (job, lane) DO UPDATE SET"
                + " cursor_us = CASE WHEN excluded.cursor_us > k.cursor_us THEN excluded.cursor_us ELSE k.cursor_us END,"
                + " updated_at = excluded.updated_at")) {
            ps.setString(1, job);
            ps.setInt(2, lane);
            ps.setLong(3, cursorUs);
            dialect.bindInstant(ps, 4, nowMillis);
            ps.executeUpdate();
        }
    }

    /** The highest cursor over the job's lanes; empty if the job has none. */
    public OptionalLong read(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(cursor_us) FROM " + ReplaySchema.CHECKPOINTS + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        }
    }

    /** What {@code sluice status} shows of a replay job: its checkpoint, lanes and last commit. */
    public record JobSummary(String job, long cursorUs, int lanes, long updatedAtMillis) {
    }

    /** Every replay job, by name; none when the replay tables were never made. */
    public List<JobSummary> summaries(Connection c) throws SQLException {
        List<JobSummary> out = new ArrayList<>();
        if (!ReplaySchema.exists(c, dialect)) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT job, MAX(cursor_us) AS cursor_us, COUNT(*) AS lanes,"
                + " MAX(updated_at) AS updated_at FROM " + ReplaySchema.CHECKPOINTS + " GROUP BY job ORDER BY job");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new JobSummary(rs.getString("job"), rs.getLong("cursor_us"), rs.getInt("lanes"),
                        dialect.readInstant(rs, "updated_at")));
            }
        }
        return out;
    }

    public int deleteJob(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + ReplaySchema.CHECKPOINTS + " WHERE job = ?")) {
            ps.setString(1, job);
            return ps.executeUpdate();
        }
    }
}
