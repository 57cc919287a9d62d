package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sluice_deletions} table: objects removed from their stream table ({@code --deletes remove}),
 * remembered with the version of their deletion so no older event or list page brings them back.
 */
public final class Deletions {
    private final Dialect dialect;

    public Deletions(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The remembered deletions among {@code ids}, id → version. */
    public Map<String, Long> known(Connection c, String namespace, String stream, Collection<String> ids)
            throws SQLException {
        Map<String, Long> out = new HashMap<>();
        for (List<String> chunk : InList.chunks(ids)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version FROM sluice_deletions"
                    + " WHERE namespace = ? AND stream = ? AND id IN (" + InList.placeholders(chunk.size()) + ")")) {
                ps.setString(1, namespace);
                ps.setString(2, stream);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 3, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return out;
    }

    public void remember(Connection c, String namespace, String stream, String id, long version, long nowMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_deletions"
                + " (namespace, stream, id, version, deleted_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (namespace, stream, id) DO NOTHING")) {
            ps.setString(1, namespace);
            ps.setString(2, stream);
            ps.setString(3, id);
            ps.setLong(4, version);
            dialect.bindInstant(ps, 5, nowMillis);
            ps.executeUpdate();
        }
    }
}
