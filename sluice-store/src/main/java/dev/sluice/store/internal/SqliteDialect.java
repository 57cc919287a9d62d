package dev.sluice.store.internal;

import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * SQLite: one file, no schemas, so a stream's table is {@code "<namespace>_<stream>"}. JSON is stored as the text
 * received; instants as epoch milliseconds.
 *
 * <p>NOTE: {@code ("a_b", "c")} and {@code ("a", "b_c")} map to the same table; namespaces are expected to be
 * few and fixed (one per source), so this is accepted rather than escaped.
 */
public final class SqliteDialect implements Dialect {
    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {
    }

    @Override
    public DatabaseUrl.Kind kind() {
        return DatabaseUrl.Kind.SQLITE;
    }

    private static String bareName(String namespace, String stream) {
        return Dialect.checkName("namespace", namespace) + "_" + Dialect.checkName("stream", stream);
    }

    @Override
    public String tableName(String namespace, String stream) {
        return "\"" + bareName(namespace, stream) + "\"";
    }

    @Override
    public List<String> createStreamTable(String namespace, String stream) {
        String bare = bareName(namespace, stream);
        return List.of(
                "CREATE TABLE IF NOT EXISTS \"" + bare + "\" (id TEXT PRIMARY KEY, created BIGINT NOT NULL,"
                        + " version BIGINT NOT NULL, data " + jsonType() + " NOT NULL, synced_at " + instantType()
                        + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS \"" + bare + "_created\" ON \"" + bare + "\" (created)");
    }

    @Override
    public boolean tableExists(Connection c, String namespace, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, bareName(namespace, stream));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public String jsonType() {
        return "TEXT";
    }

    @Override
    public String jsonBind() {
        return "?";
    }

    @Override
    public String instantType() {
        return "INTEGER";
    }

    @Override
    public String booleanType() {
        return "INTEGER";
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException {
        ps.setLong(index, epochMillis);
    }

    @Override
    public long readInstant(ResultSet rs, String column) throws SQLException {
        return rs.getLong(column);
    }

    @Override
    public String forShare() {
        return "";
    }

    @Override
    public Optional<String> ddlLock() {
        return Optional.empty();
    }
}
