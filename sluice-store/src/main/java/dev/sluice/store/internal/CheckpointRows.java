package dev.sluice.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sluice_checkpoints} table: one row per (job, stream), the remainder stored as a JSON array of
 * {@code {"gte":…,"lt":…,"cursor":…|null}}.
 */
public final class CheckpointRows {
    /** One stored row. */
    public record Row(String job, String stream, String namespace, Checkpoint checkpoint, long updatedAtMillis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "job, stream, namespace, range_gte, range_lt, remaining, updated_at";

    private final Dialect dialect;

    public CheckpointRows(Dialect dialect) {
        this.dialect = dialect;
    }

    public void upsert(Connection c, String job, String namespace, String stream, Checkpoint checkpoint, long nowMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sluice_checkpoints (job, stream, namespace, range_gte, range_lt, remaining, done, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, stream) DO UPDATE SET"
                        + " namespace = excluded.namespace, range_gte = excluded.range_gte, range_lt = excluded.range_lt,"
                        + " remaining = excluded.remaining, done = excluded.done, updated_at = excluded.updated_at")) {
            bind(ps, job, namespace, stream, checkpoint, nowMillis);
            ps.executeUpdate();
        }
    }

    private void bind(PreparedStatement ps, String job, String namespace, String stream, Checkpoint checkpoint,
            long nowMillis) throws SQLException {
        ps.setString(1, job);
        ps.setString(2, stream);
        ps.setString(3, namespace);
        ps.setLong(4, checkpoint.range().gte());
        ps.setLong(5, checkpoint.range().lt());
        ps.setString(6, encode(checkpoint.remaining()));
        ps.setBoolean(7, checkpoint.done());
        dialect.bindInstant(ps, 8, nowMillis);
    }

    /** Inserts the checkpoint unless the (job, stream) row exists; returns whether it did. */
    public boolean insertIfAbsent(Connection c, String job, String namespace, String stream, Checkpoint checkpoint,
            long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sluice_checkpoints (job, stream, namespace, range_gte, range_lt, remaining, done, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, stream) DO NOTHING")) {
            bind(ps, job, namespace, stream, checkpoint, nowMillis);
            return ps.executeUpdate() == 1;
        }
    }

    /** The checkpoint of (job, stream), its row locked until the transaction ends (PostgreSQL). */
    public Optional<Checkpoint> readForUpdate(Connection c, String job, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM sluice_checkpoints WHERE job = ? AND stream = ? FOR UPDATE")) {
            ps.setString(1, job);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs).checkpoint()) : Optional.empty();
            }
        }
    }

    public Optional<Checkpoint> read(Connection c, String job, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM sluice_checkpoints WHERE job = ? AND stream = ?")) {
            ps.setString(1, job);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs).checkpoint()) : Optional.empty();
            }
        }
    }

    /** All rows, ordered by job then stream. */
    public List<Row> readAll(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM sluice_checkpoints ORDER BY job, stream");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    /** Forgets one stream's checkpoint of {@code job}. */
    public int delete(Connection c, String job, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_checkpoints WHERE job = ? AND stream = ?")) {
            ps.setString(1, job);
            ps.setString(2, stream);
            return ps.executeUpdate();
        }
    }

    public int deleteJob(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_checkpoints WHERE job = ?")) {
            ps.setString(1, job);
            return ps.executeUpdate();
        }
    }

    private Row row(ResultSet rs) throws SQLException {
        String job = rs.getString("job");
        String stream = rs.getString("stream");
        var range = new TimeRange(rs.getLong("range_gte"), rs.getLong("range_lt"));
        List<Remainder> remaining = decode(rs.getString("remaining"), job, stream);
        return new Row(job, stream, rs.getString("namespace"), new Checkpoint(range, remaining),
                dialect.readInstant(rs, "updated_at"));
    }

    static String encode(List<Remainder> remaining) {
        ArrayNode array = JSON.createArrayNode();
        for (Remainder r : remaining) {
            ObjectNode o = array.addObject();
            o.put("gte", r.gte());
            o.put("lt", r.lt());
            if (r.cursor() == null) {
                o.putNull("cursor");
            } else {
                o.put("cursor", r.cursor());
            }
        }
        return array.toString();
    }

    static List<Remainder> decode(String json, String job, String stream) throws SQLException {
        try {
            JsonNode array = JSON.readTree(json);
            if (array == null || !array.isArray()) {
                throw new SQLException("remaining of job '" + job + "' stream '" + stream + "' is not a JSON array");
            }
            List<Remainder> out = new ArrayList<>(array.size());
            for (JsonNode o : array) {
                JsonNode cursor = o.get("cursor");
                out.add(new Remainder(o.required("gte").asLong(), o.required("lt").asLong(),
                        cursor == null || cursor.isNull() ? null : cursor.asText()));
            }
            return out;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SQLException("remaining of job '" + job + "' stream '" + stream + "' is unreadable: "
                    + e.getMessage(), e);
        }
    }
}
