package dev.sluice.store.testing;

import dev.sluice.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads a stream table's rows and remembered deletions back, for assertions. */
public final class StoredRows {
    /** A row: {@code data} as text (PostgreSQL renders jsonb in its own form). */
    public record Row(long created, long version, String data, boolean deleted) {
    }

    private StoredRows() {
    }

    public static TreeMap<String, Row> of(Database db, String namespace, String stream) throws SQLException {
        TreeMap<String, Row> rows = new TreeMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, created, version, data, deleted FROM "
                     + db.dialect().tableName(namespace, stream));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getBoolean(5)));
            }
        }
        return rows;
    }

    /** Ids remembered as deleted ({@code --deletes remove}). */
    public static Set<String> removed(Database db, String namespace, String stream) throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id FROM sluice_deletions WHERE namespace = ? AND stream = ?")) {
            ps.setString(1, namespace);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
