package dev.sluice.store.internal;

import dev.sluice.ingest.Batch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of expiring batches, on the caller's connection: listing the open batches created before an instant,
 * and expiring one of them if it is still open — its status first (which waits for writes in flight, as they hold
 * a share lock on its row), then its items, whose object keys it returns for the caller to delete.
 */
public final class BatchExpiryRows {
    private final Dialect dialect;

    public BatchExpiryRows(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Up to {@code limit} open batches created before the instant, oldest first; ends the transaction. */
    public List<String> candidates(Connection c, Instant createdBefore, int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sluice_batches WHERE status = ?"
                + " AND created_at < ? ORDER BY created_at LIMIT " + limit)) {
            ps.setString(1, Batch.Status.OPEN.wire());
            dialect.bindInstant(ps, 2, createdBefore.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        c.commit();
        return ids;
    }

    /**
     * Expires one batch if it is still open, in the caller's transaction; returns its items' object keys, or
     * {@code null} if it was not open any more.
     */
    public List<String> expireOne(Connection c, String id) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE sluice_batches SET status = ? WHERE id = ? AND status = ?")) {
            ps.setString(1, Batch.Status.EXPIRED.wire());
            ps.setString(2, id);
            ps.setString(3, Batch.Status.OPEN.wire());
            if (ps.executeUpdate() == 0) {
                return null; // sealed since it was listed
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key FROM sluice_batch_items"
                + " WHERE batch_id = ? AND object_key IS NOT NULL ORDER BY idx")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_batch_items WHERE batch_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        return keys;
    }
}
