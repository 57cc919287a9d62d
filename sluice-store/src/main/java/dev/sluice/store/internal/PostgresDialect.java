package dev.sluice.store.internal;

import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL: a stream's table is {@code "<namespace>"."<stream>"} in a schema created on demand; JSON is
 * {@code jsonb} (so malformed JSON is rejected by the database); instants are {@code timestamptz}.
 */
public final class PostgresDialect implements Dialect {
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    /** Advisory lock key serialising Sluice DDL and migrations within one database ("sluice" in ASCII). */
    static final long DDL_LOCK_KEY = 0x736c_7569_6365L;

    private PostgresDialect() {
    }

    @Override
    public DatabaseUrl.Kind kind() {
        return DatabaseUrl.Kind.POSTGRESQL;
    }

    @Override
    public String tableName(String namespace, String stream) {
        return "\"" + Dialect.checkName("namespace", namespace) + "\".\"" + Dialect.checkName("stream", stream) + "\"";
    }

    @Override
    public List<String> createStreamTable(String namespace, String stream) {
        String table = tableName(namespace, stream);
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS \"" + namespace + "\"",
                "CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, created BIGINT NOT NULL,"
                        + " version BIGINT NOT NULL, data " + jsonType() + " NOT NULL, synced_at " + instantType()
                        + " NOT NULL)",
                // Index names are per schema, so the stream name makes them unique; kept within the 63-byte identifier limit.
                "CREATE INDEX IF NOT EXISTS \"" + indexName(stream) + "\" ON " + table + " (created)");
    }

    private static String indexName(String stream) {
        String name = stream + "_created_idx";
        return name.length() <= 63 ? name : stream.substring(0, 63 - 12) + "_created_idx";
    }

    @Override
    public boolean tableExists(Connection c, String namespace, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, tableName(namespace, stream));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public String jsonType() {
        return "jsonb";
    }

    @Override
    public String jsonBind() {
        return "?::jsonb";
    }

    @Override
    public String instantType() {
        return "timestamptz";
    }

    @Override
    public String booleanType() {
        return "BOOLEAN";
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    @Override
    public long readInstant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }

    @Override
    public String forShare() {
        return " FOR SHARE";
    }

    @Override
    public Optional<String> ddlLock() {
        return Optional.of("SELECT pg_advisory_xact_lock(" + DDL_LOCK_KEY + ")");
    }
}
