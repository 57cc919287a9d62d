package dev.sluice.store.internal;

import dev.sluice.ingest.ItemRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * SQLite: multi-row {@code INSERT … ON CONFLICT (batch_id, idx) DO NOTHING} in chunks of {@value #CHUNK} rows (4,000
 * binds, far below SQLite's 32,766); the statement of a full chunk is built once, a shorter last chunk gets its own.
 * The update count is the number of new items.
 */
public final class SqliteItemInsert implements ItemInsert {
    /** Rows per statement. */
    public static final int CHUNK = 500;

    private final Dialect dialect;
    private final String fullChunkInsert = insertItems(CHUNK);

    SqliteItemInsert(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public int insert(Connection c, String batchId, List<ItemRecord> rows, long createdAt) throws SQLException {
        int accepted = 0;
        PreparedStatement full = null;
        try {
            for (int from = 0; from < rows.size(); from += CHUNK) {
                List<ItemRecord> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
                if (chunk.size() == CHUNK) {
                    if (full == null) {
                        full = c.prepareStatement(fullChunkInsert);
                    }
                    bind(full, batchId, chunk, createdAt);
                    accepted += full.executeUpdate();
                } else {
                    try (PreparedStatement ps = c.prepareStatement(insertItems(chunk.size()))) {
                        bind(ps, batchId, chunk, createdAt);
                        accepted += ps.executeUpdate();
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
        return accepted;
    }

    private static String insertItems(int rows) {
        String row = "(?, ?, ?, ?, ?, ?, ?, ?)";
        StringBuilder sb = new StringBuilder(128 + rows * (row.length() + 2))
                .append("INSERT INTO sluice_batch_items (").append(COLUMNS).append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(row);
        }
        return sb.append(" ON CONFLICT (batch_id, idx) DO NOTHING").toString();
    }

    private void bind(PreparedStatement ps, String batchId, List<ItemRecord> chunk, long createdAt)
            throws SQLException {
        int i = 1;
        for (ItemRecord r : chunk) {
            ps.setString(i++, batchId);
            ps.setLong(i++, r.index());
            ps.setString(i++, r.payload());
            ps.setString(i++, r.objectKey());
            ps.setLong(i++, r.payloadBytes());
            ps.setString(i++, r.errorCode());
            ps.setString(i++, r.errorMessage());
            dialect.bindInstant(ps, i++, createdAt);
        }
    }
}
