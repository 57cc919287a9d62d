package dev.sluice.store.internal;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The {@code sluice_segments} table (PostgreSQL): the leased segments of each job's current run. Statements only;
 * transactions and lock order are the caller's ({@code dev.sluice.store.LeasedLedger}).
 */
public final class SegmentRows {
    /** One segment row as claimed: what to read, and the epoch that fences its writes. */
    public record Row(String id, String stream, long gte, long lt, String cursor, boolean probe, double density,
            long epoch) {
    }

    /** A segment's state to write. */
    public record State(long gte, long lt, String cursor, boolean done, double density) {
    }

    private static final String RETURNING = " RETURNING id, stream, gte, lt, cursor, probe, density, epoch";

    private SegmentRows() {
    }

    /** Replaces the job's segments of {@code stream} by one open row per remainder of {@code run}. */
    public static void create(Connection c, String job, String namespace, String stream, Checkpoint run)
            throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM sluice_segments WHERE job = ? AND stream = ?")) {
            del.setString(1, job);
            del.setString(2, stream);
            del.executeUpdate();
        }
        List<Remainder> rem = run.remaining();
        boolean fresh = rem.size() == 1 && rem.get(0).cursor() == null && rem.get(0).range().equals(run.range());
        for (Remainder r : rem) {
            insert(c, job, namespace, stream, run, new State(r.gte(), r.lt(), r.cursor(), false, Double.NaN), fresh);
        }
    }

    /** Adds an open segment (nobody's lease) to the run of {@code stream}. */
    public static void insert(Connection c, String job, String namespace, String stream, Checkpoint run, State s,
            boolean probe) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_segments (id, job, stream, namespace,"
                + " run_gte, run_lt, gte, lt, cursor, probe, density, done, epoch, owner, lease_until, heartbeat_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, 0, NULL, 0, 0)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, job);
            ps.setString(3, stream);
            ps.setString(4, namespace);
            ps.setLong(5, run.range().gte());
            ps.setLong(6, run.range().lt());
            ps.setLong(7, s.gte());
            ps.setLong(8, s.lt());
            ps.setString(9, s.cursor());
            ps.setBoolean(10, probe);
            density(ps, 11, s.density());
            ps.executeUpdate();
        }
    }

    /** How many segments of {@code stream}'s run over {@code run} exist. */
    public static int count(Connection c, String job, String stream, Checkpoint run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM sluice_segments WHERE job = ?"
                + " AND stream = ? AND run_gte = ? AND run_lt = ?")) {
            ps.setString(1, job);
            ps.setString(2, stream);
            ps.setLong(3, run.range().gte());
            ps.setLong(4, run.range().lt());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Claims up to {@code max} segments of {@code streams} that are open or whose lease ended before {@code now}:
     * each claim bumps the epoch. Rows locked by another transaction (a commit under way) are skipped, not waited for.
     * With {@code abandonedOnly}, only rows whose lease ran out (never open ones, whose lease_until is 0).
     */
    public static List<Row> claim(Connection c, String job, Collection<String> streams, int max,
            boolean abandonedOnly, String owner, long now, long leaseUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sluice_segments SET epoch = epoch + 1, owner = ?,"
                + " lease_until = ?, heartbeat_at = ? WHERE id IN (SELECT id FROM sluice_segments WHERE job = ?"
                + " AND NOT done AND lease_until < ? AND lease_until >= ? AND stream = ANY(?)"
                + " ORDER BY lease_until, lt DESC LIMIT ?"
                + " FOR UPDATE SKIP LOCKED)" + RETURNING)) {
            ps.setString(1, owner);
            ps.setLong(2, leaseUntil);
            ps.setLong(3, now);
            ps.setString(4, job);
            ps.setLong(5, now);
            ps.setLong(6, abandonedOnly ? 1 : 0);
            Array array = c.createArrayOf("text", streams.toArray());
            ps.setArray(7, array);
            ps.setInt(8, max);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double d = rs.getDouble("density");
                    double density = rs.wasNull() ? Double.NaN : d;
                    rows.add(new Row(rs.getString("id"), rs.getString("stream"), rs.getLong("gte"), rs.getLong("lt"),
                            rs.getString("cursor"), rs.getBoolean("probe"), density, rs.getLong("epoch")));
                }
            }
            return rows;
        }
    }

    /**
     * Writes a segment's state and renews its lease, if the lease is still {@code epoch}'s: the fence. Returns false
     * when the lease was lost (the caller rolls back). Waits for the row if another transaction holds it.
     */
    public static boolean write(Connection c, String id, long epoch, State s, long now, long leaseUntil)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sluice_segments SET gte = ?, lt = ?, cursor = ?,"
                + " done = ?, probe = false, density = ?, lease_until = ?, heartbeat_at = ? WHERE id = ? AND epoch = ?")) {
            ps.setLong(1, s.gte());
            ps.setLong(2, s.lt());
            ps.setString(3, s.cursor());
            ps.setBoolean(4, s.done());
            density(ps, 5, s.density());
            ps.setLong(6, leaseUntil);
            ps.setLong(7, now);
            ps.setString(8, id);
            ps.setLong(9, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** Renews a lease (or, with {@code leaseUntil} 0, gives it up) if it is still {@code epoch}'s. */
    public static boolean renew(Connection c, String id, long epoch, long now, long leaseUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sluice_segments SET lease_until = ?, heartbeat_at = ?"
                + " WHERE id = ? AND epoch = ?")) {
            ps.setLong(1, leaseUntil);
            ps.setLong(2, now);
            ps.setString(3, id);
            ps.setLong(4, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** The unread remainders of a stream's run (its segments not done), newest first. */
    public static List<Remainder> remaining(Connection c, String job, String stream) throws SQLException {
        List<Remainder> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT gte, lt, cursor FROM sluice_segments WHERE job = ?"
                + " AND stream = ? AND NOT done ORDER BY lt DESC")) {
            ps.setString(1, job);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long gte = rs.getLong(1);
                    long lt = rs.getLong(2);
                    if (lt > gte) {
                        out.add(new Remainder(gte, lt, rs.getString(3)));
                    }
                }
            }
        }
        return out;
    }

    /** Forgets every segment of {@code job} ({@code --restart}). */
    public static void deleteJob(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_segments WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
    }

    private static void density(PreparedStatement ps, int i, double d) throws SQLException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, d);
        }
    }
}
